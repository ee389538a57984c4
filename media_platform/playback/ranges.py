"""A single `Range: bytes=a-b` request, as browsers send for MP4 seeking."""

from __future__ import annotations

import re
from typing import Literal

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str | None, size: int) -> tuple[int, int] | Literal[False] | None:
    """(start, end inclusive); None when there is no usable range; False when unsatisfiable."""
    if not header:
        return None
    match = RANGE.match(header.strip())
    if not match or (not match.group(1) and not match.group(2)):
        return None
    if not match.group(1):  # the last N bytes
        length = int(match.group(2))
        if length == 0:
            return False
        return max(0, size - length), size - 1
    start = int(match.group(1))
    end = int(match.group(2)) if match.group(2) else size - 1
    if start >= size or end < start:
        return False
    return start, min(end, size - 1)

"""How stored segments become the parts of one S3 multipart upload. Plain numbers in and out.

S3 joins objects server-side (UploadPartCopy) only when each part but the last is at least
5 MiB, and allows 10,000 parts. A segment big enough is copied whole; smaller ones are grouped
and streamed through the worker until the group is big enough.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_PART = 5 * 1024**2
MAX_PARTS = 10_000


@dataclass(frozen=True)
class Part:
    segments: tuple[int, ...]  # indexes into the segment list, in order
    copy: bool  # one whole segment, copied by the server; otherwise streamed and uploaded


def plan_parts(sizes: list[int], *, min_part: int = MIN_PART, max_parts: int = MAX_PARTS) -> list[Part]:
    total = sum(sizes)
    # Big uploads in many small segments must still fit in max_parts: grow the groups.
    target = max(min_part, -(-total // max(max_parts - 1, 1)))
    parts: list[Part] = []
    group: list[int] = []
    group_size = 0
    for index, size in enumerate(sizes):
        if not group and size >= target:
            parts.append(Part((index,), copy=True))
            continue
        group.append(index)
        group_size += size
        if group_size >= target:
            parts.append(Part(tuple(group), copy=False))
            group, group_size = [], 0
    if group:  # the last part may be small
        parts.append(Part(tuple(group), copy=len(group) == 1))
    return parts

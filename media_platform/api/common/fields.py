"""What every dialect's field checks share: one collector of field errors, field paths, numbers and
http(s) URLs. Each dialect words its own messages and shapes its own 400 body from the collector.
"""

from __future__ import annotations

import math
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

# The longest URL any dialect takes (sources, callbacks, webhooks, S3 endpoints, key and licence URLs).
MAX_URL = 2000
_HTTP_URL = URLValidator(schemes=["http", "https"])


class FieldErrors:
    """Every failing field with its messages, in the order they were found.

    `unique`: a message already given for a field is not given again. A dialect that lists a
    message once per failing item (DRF's list fields do) turns it off."""

    def __init__(self, *, unique: bool = True) -> None:
        self.entries: list[tuple[str, str]] = []
        self.unique = unique

    def add(self, field: str, *messages: str) -> None:
        for message in messages:
            if not (self.unique and (field, message) in self.entries):
                self.entries.append((field, message))

    def has(self, field: str) -> bool:
        """The field, or anything inside it (`format[0]` has `format[0].destination`), failed."""
        return any(name == field or name.startswith((f"{field}.", f"{field}[")) for name, _ in self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def by_field(self) -> dict[str, list[str]]:
        """{field: [messages]}, fields in the order of their first failure."""
        found: dict[str, list[str]] = {}
        for field, message in self.entries:
            found.setdefault(field, []).append(message)
        return found


def at(path: str, name: str | int) -> str:
    """A field's path as the dialects name it: `format[2].destination.path`."""
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


def leaf(path: str) -> str:
    """The field's own name: `destination` for `format[2].destination`, `source` for `sources[0]`."""
    return re.sub(r"\[\d+\]$", "", path.rsplit(".", 1)[-1])


def is_number(value: Any) -> bool:
    """A finite JSON number (booleans are not numbers; nor is an integer too big for a float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer of hundreds of digits
        return False


def as_number(value: Any) -> float | None:
    """A JSON number, or a string holding one; None for anything else (booleans included)."""
    if is_number(value):
        return float(value)
    if isinstance(value, str) and value.strip():
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def is_http_url(value: str) -> bool:
    """An absolute http(s) URL of at most MAX_URL characters."""
    if len(value) > MAX_URL:
        return False
    try:
        _HTTP_URL(value)
    except ValidationError:
        return False
    return True

"""Field checks that collect every failure, and the echo of each value in the service's own types.

vidinfra clients send numbers both as JSON numbers and as strings ("bitrate": "1000", "height":
1440); every reader accepts either. What comes back in responses follows the types of the
service's example response (height 0, segment_duration "6", deinterlace false), whatever the
client sent, so a typed client reads back what it expects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from media_platform.api.common.fields import FieldErrors, as_number, at, leaf

TIME = re.compile(r"^\s*(\d+):([0-5]?\d):([0-5]?\d(?:\.\d+)?)\s*$")


def number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def parse_time(value: Any) -> float | None:
    """Seconds ("12.5", 12.5) or HH:MM:SS(.fff); None when it is neither."""
    number = as_number(value)
    if number is not None:
        return number if number >= 0 else None
    match = TIME.match(value) if isinstance(value, str) else None
    if not match:
        return None
    return int(match.group(1)) * 3600 + int(match.group(2)) * 60 + float(match.group(3))


def truth(raw: Any) -> bool | None:
    """true/false, 1/0, "true"/"false"/"1"/"0"; None for anything else."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in ("0", "1", "true", "false"):
        return raw.strip().lower() in ("1", "true")
    return None


# --- Kinds: how a field is read, and how it is echoed --------------------------------------
@dataclass(frozen=True)
class Bool:
    default: bool = False

    def read(self, errors: FieldErrors, path: str, raw: Any) -> tuple[Any, Any]:
        value = truth(raw)
        if value is None:
            errors.add(path, f"{leaf(path)} must be a boolean (true or false)")
            return None, self.default
        return value, value

    def empty(self) -> Any:
        return self.default


@dataclass(frozen=True)
class Flag:
    """0 or 1 (true/false and "0"/"1" are read too); echoed as a number."""

    def read(self, errors: FieldErrors, path: str, raw: Any) -> tuple[Any, Any]:
        value = truth(raw)
        if value is None:
            errors.add(path, f"{leaf(path)} must be 0 or 1")
            return None, 0
        return int(value), int(value)

    def empty(self) -> Any:
        return 0


@dataclass(frozen=True)
class Number:
    low: float = 0
    high: float | None = None
    integer: bool = False
    text: bool = False  # echoed as a string, the way the service's examples show it
    zero_unset: bool = True  # 0 means "not set", as in the service's example response

    def read(self, errors: FieldErrors, path: str, raw: Any) -> tuple[Any, Any]:
        if isinstance(raw, str) and not raw.strip():
            return None, self.empty()
        number = as_number(raw)
        name = leaf(path)
        if number is None:
            errors.add(path, f"{name} must be {'an integer' if self.integer else 'a number'}")
        elif self.integer and not number.is_integer():
            errors.add(path, f"{name} must be an integer")
        elif number < self.low:
            errors.add(path, f"{name} must not be {'negative' if self.low == 0 else f'less than {self.low:g}'}")
        elif self.high is not None and number > self.high:
            errors.add(path, f"{name} must not be greater than {self.high:g}")
        else:
            value = int(number) if number.is_integer() else number
            echo = number_text(number) if self.text else value
            return (None if number == 0 and self.zero_unset else value), echo
        return None, self.empty()

    def empty(self) -> Any:
        return "" if self.text else 0


@dataclass(frozen=True)
class Text:
    choices: tuple[str, ...] = ()
    max_length: int = 500
    lower: bool = False

    def read(self, errors: FieldErrors, path: str, raw: Any) -> tuple[Any, Any]:
        name = leaf(path)
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            raw = number_text(raw)
        if not isinstance(raw, str):
            errors.add(path, f"{name} must be a string")
            return None, ""
        value = raw.strip().lower() if self.lower else raw.strip()
        if not value:
            return None, ""
        if len(value) > self.max_length:
            errors.add(path, f"{name} must be at most {self.max_length} characters")
        elif self.choices and value not in self.choices:
            errors.add(path, f"{name} must be one of: {', '.join(self.choices)}")
        else:
            return value, value
        return None, ""

    def empty(self) -> Any:
        return ""


@dataclass(frozen=True)
class Time:
    """Seconds or HH:MM:SS, echoed as the string the client sent."""

    def read(self, errors: FieldErrors, path: str, raw: Any) -> tuple[Any, Any]:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None, ""
        seconds = parse_time(raw) if isinstance(raw, str | int | float) and not isinstance(raw, bool) else None
        if seconds is None:
            errors.add(path, f'{leaf(path)} must be a time in seconds ("12.5") or HH:MM:SS ("00:01:30")')
            return None, ""
        return seconds, raw.strip() if isinstance(raw, str) else number_text(raw)

    def empty(self) -> Any:
        return ""


Kind = Bool | Flag | Number | Text | Time


def read(errors: FieldErrors, data: dict, path: str, kinds: dict[str, Kind]) -> tuple[dict, dict]:
    """(clean values, echo) for every field in `kinds`; absent and null fields take the echo default."""
    clean: dict[str, Any] = {}
    echo: dict[str, Any] = {}
    for name, kind in kinds.items():
        raw = data.get(name)
        if raw is None:
            clean[name], echo[name] = None, kind.empty()
        else:
            clean[name], echo[name] = kind.read(errors, at(path, name), raw)
    return clean, echo


def obj(errors: FieldErrors, data: dict, path: str, name: str, *, required: bool = False) -> dict | None:
    value = data.get(name)
    full = at(path, name)
    if value is None:
        if required:
            errors.add(full, f"{name} is required")
        return None
    if not isinstance(value, dict):
        errors.add(full, f"{name} must be an object")
        return None
    return value

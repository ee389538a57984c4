"""Field checks that collect every failure instead of stopping at the first.

Messages follow the service's wording ("destination should not be null or undefined",
"destination should not be empty", "destination must be a string", "video_codec must be
one of: h264, h265, av1"): the field's own name, then what is wrong with it. Lengths and
offsets are checked by the engine's own parsers (media_platform.engine.transforms), so the
rules a request is held to are the rules the encode applies.
"""

from __future__ import annotations

from collections.abc import Sequence

from media_platform.api.common.fields import FieldErrors, as_number, at, is_number
from media_platform.engine.transforms import TransformError, parse_length, parse_offset

# A picture to measure relative lengths against: the real one is known only on the worker.
PROBE_SIDE = 1000


def parse_service_id(value) -> int | None:
    """An integer, or a string of digits (what a form-encoded client sends); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def string(errors: FieldErrors, data: dict, path: str, name: str, *, optional: bool = False) -> str | None:
    value = data.get(name)
    full = at(path, name)
    if value is None:
        if not optional:
            errors.add(
                full,
                f"{name} should not be null or undefined",
                f"{name} should not be empty",
                f"{name} must be a string",
            )
        return None
    if not isinstance(value, str):
        errors.add(full, f"{name} must be a string")
        return None
    if not value.strip():
        errors.add(full, f"{name} should not be empty")
        return None
    return value.strip()


def choice(
    errors: FieldErrors, data: dict, path: str, name: str, choices: Sequence[str], *, optional: bool = False
) -> str | None:
    value = data.get(name)
    full = at(path, name)
    message = f"{name} must be one of: {', '.join(choices)}"
    if value is None:
        if not optional:
            errors.add(full, f"{name} should not be null or undefined", message)
        return None
    if value not in choices:
        errors.add(full, message)
        return None
    return value


def integer(
    errors: FieldErrors, data: dict, path: str, name: str, *, low: int, high: int, optional: bool = True
) -> int | None:
    value = data.get(name)
    full = at(path, name)
    if value is None:
        if not optional:
            errors.add(full, f"{name} should not be null or undefined", f"{name} must be an integer number")
        return None
    number = as_number(value)
    if number is None or not number.is_integer():
        errors.add(full, f"{name} must be an integer number")
        return None
    if number < low:
        errors.add(full, f"{name} must not be less than {low}")
    if number > high:
        errors.add(full, f"{name} must not be greater than {high}")
    return int(number) if low <= number <= high else None


def positive(
    errors: FieldErrors, data: dict, path: str, name: str, *, zero: bool = False, high: float | None = None
) -> float | None:
    """An optional number above 0 (or from 0, with zero=True), at most `high`."""
    value = data.get(name)
    if value is None:
        return None
    full = at(path, name)
    number = as_number(value)
    if number is None:
        errors.add(full, f"{name} must be a number")
        return None
    if number < 0 or (number == 0 and not zero):
        errors.add(full, f"{name} must be a positive number")
        return None
    if high is not None and number > high:
        errors.add(full, f"{name} must not be greater than {high:g}")
        return None
    return number


def boolean(errors: FieldErrors, data: dict, path: str, name: str) -> bool | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        errors.add(at(path, name), f"{name} must be a boolean value")
        return None
    return value


def _engine_message(exc: TransformError) -> str:
    return str(exc).split(": ", 1)[-1]


def length(errors: FieldErrors, data: dict, path: str, name: str, *, other_suffix: str) -> str | None:
    """A side: 100, "100", "100px", "50%" or "50h"/"50w" (the other side's share), above 0."""
    value = data.get(name)
    if value is None:
        return None
    full = at(path, name)
    if not (is_number(value) or isinstance(value, str)):
        errors.add(full, f"{name} must be a string or a number")
        return None
    try:
        pixels = parse_length(value, own=PROBE_SIDE, other=PROBE_SIDE, other_suffix=other_suffix, field=full)
    except TransformError as exc:
        errors.add(full, f"{name} {_engine_message(exc)}")
        return None
    if pixels <= 0:
        errors.add(full, f"{name} must be greater than 0")
        return None
    return str(value).strip()


def offset(errors: FieldErrors, data: dict, path: str, name: str) -> str | None:
    """An offset: pixels or "10%", may be negative."""
    value = data.get(name)
    if value is None:
        return None
    full = at(path, name)
    if not (is_number(value) or isinstance(value, str)):
        errors.add(full, f"{name} must be a string or a number")
        return None
    try:
        parse_offset(value, side=PROBE_SIDE, field=full)
    except TransformError as exc:
        errors.add(full, f"{name} {_engine_message(exc)}")
        return None
    return str(value).strip()

"""Literals → the Python values a field compares with, or a positioned error saying why not."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from media_platform.status import VideoStatus

from .ast import Literal
from .dates import parse_date, parse_timestamp
from .errors import QuerySyntaxError, error_at
from .fields import FieldSpec

INT64 = 2**63
STATUS_VALUES = frozenset(int(status) for status in VideoStatus)
STATUS_NAMES = {status.name.replace("_", "").lower(): status for status in VideoStatus}
STATUS_SPELLINGS = ", ".join(status.name.title().replace("_", "") for status in VideoStatus)

Value = str | int | float | bool | date | datetime | uuid.UUID


def coerce(spec: FieldSpec, literal: Literal, written: str) -> Value:
    """The value ``literal`` stands for when compared with the field ``spec`` (named ``written``)."""
    kind = spec.kind
    if kind == "constant":
        kind = "boolean" if isinstance(spec.constant, bool) else "string"
    elif kind == "flag":
        kind = "boolean"
    return _COERCERS[kind](literal, written)


def describe(literal: Literal) -> str:
    value = literal.value
    if literal.kind == "string":
        shown = str(value) if len(str(value)) <= 30 else str(value)[:27] + "..."
        return f"the string {shown!r}"
    if literal.kind == "boolean":
        return "TRUE" if value else "FALSE"
    if literal.kind == "date":
        return f"DATE '{value}'"
    if literal.kind == "timestamp":
        assert isinstance(value, datetime)
        return f"TIMESTAMP '{value.isoformat()}'"
    return f"the number {value}"


def _expected(what: str, literal: Literal, written: str) -> QuerySyntaxError:
    return error_at(f"Expected {what} for {written}", literal.position, describe(literal))


def _string(literal: Literal, written: str) -> str:
    if literal.kind != "string":
        raise _expected("a quoted string", literal, written)
    return str(literal.value)


def _integer(literal: Literal, written: str) -> int:
    value = literal.value
    if literal.kind != "integer" or not isinstance(value, int):
        raise _expected("a whole number", literal, written)
    if not -INT64 <= value < INT64:
        raise error_at(f"The number {value} is out of range for {written}", literal.position)
    return value


def _float(literal: Literal, written: str) -> float:
    value = literal.value
    if literal.kind not in ("integer", "decimal") or not isinstance(value, int | Decimal):
        raise _expected("a number", literal, written)
    if value >= INT64 or value <= -INT64:
        raise error_at(f"The number {value} is out of range for {written}", literal.position)
    return float(value)


def _boolean(literal: Literal, written: str) -> bool:
    if literal.kind == "boolean":
        return bool(literal.value)
    if literal.kind == "integer" and literal.value in (0, 1):
        return literal.value == 1
    raise _expected("TRUE, FALSE, 1 or 0", literal, written)


def _datetime(literal: Literal, written: str) -> date | datetime:
    value = literal.value
    if literal.kind in ("date", "timestamp"):
        assert isinstance(value, date)
        return value
    if literal.kind == "string":
        parsed = parse_date(str(value)) or parse_timestamp(str(value))
        if parsed is not None:
            return parsed
    raise _expected("a date like DATE '2026-01-01' or TIMESTAMP '2026-01-01T10:00:00'", literal, written)


def _uuid(literal: Literal, written: str) -> uuid.UUID:
    if literal.kind == "string":
        try:
            return uuid.UUID(str(literal.value))
        except ValueError:
            pass
    raise _expected("a quoted GUID like '3f2504e0-4f89-41d3-9a0c-0305e82c3301'", literal, written)


def _status(literal: Literal, written: str) -> int:
    value = literal.value
    if literal.kind == "integer" and isinstance(value, int) and value in STATUS_VALUES:
        return value
    if literal.kind == "string":
        status = STATUS_NAMES.get(str(value).replace("_", "").replace(" ", "").lower())
        if status is not None:
            return int(status)
    raise _expected(f"a status from 0 to {max(VideoStatus)} or one of {STATUS_SPELLINGS}", literal, written)


_COERCERS: dict[str, Callable[[Literal, str], Value]] = {
    "string": _string,
    "integer": _integer,
    "float": _float,
    "boolean": _boolean,
    "datetime": _datetime,
    "uuid": _uuid,
    "status": _status,
}

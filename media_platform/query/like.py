"""A LIKE pattern → the ORM lookup that matches it, without building SQL.

``%`` is any run of characters, ``_`` exactly one, and a backslash makes the next character
stand for itself. Patterns of a simple shape use exact/startswith/endswith/contains (their
``i`` forms for ILIKE); the rest become an anchored regex of escaped pieces. LIKE must be
case-sensitive, and SQLite's LIKE is not, so a case-sensitive pattern with a wildcard is
always a regex there.
"""

from __future__ import annotations

import re

from .errors import error_at

_ANY = "any"
_ONE = "one"
_TEXT = "text"

_SHAPES = {
    (_TEXT,): "exact",
    (_TEXT, _ANY): "startswith",
    (_ANY, _TEXT): "endswith",
    (_ANY, _TEXT, _ANY): "contains",
}


def like_lookup(pattern: str, *, case_insensitive: bool, position: int) -> tuple[str, object]:
    """``("icontains", "launch")``, ``("regex", r"(?s)\\Aa.c\\Z")`` or ``("isnull", False)``."""
    parts = split_pattern(pattern, position)
    shape = tuple(kind for kind, _ in parts)
    if shape == (_ANY,):
        return "isnull", False  # `LIKE '%'`: any value at all
    if shape == ():
        return ("iexact" if case_insensitive else "exact"), ""
    lookup = _SHAPES.get(shape)
    text = "".join(chunk for kind, chunk in parts if kind == _TEXT)
    if lookup == "exact" or (lookup is not None and case_insensitive):
        return ("i" + lookup if case_insensitive else lookup), text
    return ("iregex" if case_insensitive else "regex"), to_regex(parts)


def split_pattern(pattern: str, position: int) -> list[tuple[str, str]]:
    """``a%b\\_c`` → [(text, "a"), (any, ""), (text, "b_c")]; runs of % collapse into one."""
    parts: list[tuple[str, str]] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            if index + 1 == len(pattern):
                raise error_at("LIKE pattern ends with a backslash that escapes nothing", position)
            _append_text(parts, pattern[index + 1])
            index += 2
            continue
        if char == "%":
            if not parts or parts[-1][0] != _ANY:
                parts.append((_ANY, ""))
        elif char == "_":
            parts.append((_ONE, ""))
        else:
            _append_text(parts, char)
        index += 1
    return parts


def _append_text(parts: list[tuple[str, str]], char: str) -> None:
    if parts and parts[-1][0] == _TEXT:
        parts[-1] = (_TEXT, parts[-1][1] + char)
    else:
        parts.append((_TEXT, char))


def to_regex(parts: list[tuple[str, str]]) -> str:
    """Anchored at both ends; ``(?s)`` lets ``.`` cross newlines (Python re and PostgreSQL agree)."""
    pieces = {_ANY: ".*", _ONE: "."}
    body = "".join(re.escape(chunk) if kind == _TEXT else pieces[kind] for kind, chunk in parts)
    return rf"(?s)\A{body}\Z"

"""What a query means once its fields are known: ORM lookups joined by AND/OR/NOT.

The compiler turns these into Q objects one for one. Constants (a field every video has the
same value for, like ``ecm:isProxy``) are folded away here, so a compiled filter never has to
negate an empty Q.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Match:
    """``Q(**{f"{path}__{lookup}": value})``."""

    path: str
    lookup: str
    value: object


@dataclass(frozen=True, slots=True)
class Exists:
    """A named subquery the compiler knows, e.g. ``has_errors``."""

    name: str


@dataclass(frozen=True, slots=True)
class Const:
    value: bool


@dataclass(frozen=True, slots=True)
class AllOf:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Negate:
    item: Node


Node = Match | Exists | Const | AllOf | AnyOf | Negate
TRUE = Const(True)
FALSE = Const(False)


def all_of(items: Iterable[Node]) -> Node:
    kept: list[Node] = []
    for item in items:
        if isinstance(item, Const):
            if not item.value:
                return FALSE
            continue
        kept.extend(item.items if isinstance(item, AllOf) else (item,))
    if not kept:
        return TRUE
    return kept[0] if len(kept) == 1 else AllOf(tuple(kept))


def any_of(items: Iterable[Node]) -> Node:
    kept: list[Node] = []
    for item in items:
        if isinstance(item, Const):
            if item.value:
                return TRUE
            continue
        kept.extend(item.items if isinstance(item, AnyOf) else (item,))
    if not kept:
        return FALSE
    return kept[0] if len(kept) == 1 else AnyOf(tuple(kept))


def negate(item: Node) -> Node:
    if isinstance(item, Const):
        return Const(not item.value)
    if isinstance(item, Negate):
        return item.item
    return Negate(item)

"""The syntax tree of a query: frozen dataclasses, values as the literals wrote them.

Positions are 0-based character offsets into the query text. They take no part in equality,
so a test can compare a parsed tree with one written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field  # the classes below have fields named `field`
from datetime import date, datetime
from decimal import Decimal
from typing import Literal as TypingLiteral

LiteralKind = TypingLiteral["string", "integer", "decimal", "boolean", "date", "timestamp"]
LiteralValue = str | int | Decimal | bool | date | datetime

COMPARISON_OPERATORS = ("=", "<>", "<", "<=", ">", ">=")


@dataclass(frozen=True, slots=True)
class FieldRef:
    name: str  # as written: `dateUploaded`, `dc:created`, `vid:transcodedVideos/0/name`
    position: int = dataclass_field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Literal:
    kind: LiteralKind
    value: LiteralValue
    position: int = dataclass_field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Comparison:
    field: FieldRef
    op: str  # one of COMPARISON_OPERATORS; `!=` is read as `<>`
    value: Literal
    position: int = dataclass_field(default=0, compare=False)  # of the operator


@dataclass(frozen=True, slots=True)
class Like:
    field: FieldRef
    pattern: Literal
    negated: bool = False
    case_insensitive: bool = False  # ILIKE
    position: int = dataclass_field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class In:
    field: FieldRef
    values: tuple[Literal, ...]
    negated: bool = False
    position: int = dataclass_field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Between:
    field: FieldRef
    low: Literal
    high: Literal
    negated: bool = False
    position: int = dataclass_field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class IsNull:
    field: FieldRef
    negated: bool = False  # IS NOT NULL
    position: int = dataclass_field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr


Predicate = Comparison | Like | In | Between | IsNull
Expr = Predicate | And | Or | Not


@dataclass(frozen=True, slots=True)
class OrderItem:
    field: FieldRef
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    where: Expr | None = None  # None: every video
    order_by: tuple[OrderItem, ...] = ()
    source: str | None = None  # `Video` or `Document` after SELECT * FROM; None for a bare expression

"""The syntax tree → ir nodes: fields resolved, operators and values checked against them.

NULL follows SQL where a user would expect it to: a comparison (=, <>, <, LIKE, IN, BETWEEN
and their NOT forms) never matches a video whose field is NULL, while the NOT keyword selects
exactly the videos its operand does not. So ``description <> 'x'`` skips videos without a
description and ``NOT description = 'x'`` includes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from . import ir
from .ast import And, Between, Comparison, Expr, In, IsNull, Like, Literal, Not, Or, OrderItem, Predicate, Query
from .dates import start_of_day
from .errors import error_at
from .fields import FieldSpec, resolve_field
from .like import like_lookup
from .values import Value, coerce

_ORDERED = ("=", "<>", "<", "<=", ">", ">=", "IN", "BETWEEN", "IS NULL")
_EQUALITY = ("=", "<>", "IN", "IS NULL")
OPERATORS: dict[str, tuple[str, ...]] = {
    "string": (*_ORDERED, "LIKE", "ILIKE"),
    "integer": _ORDERED,
    "float": _ORDERED,
    "datetime": _ORDERED,
    "status": _ORDERED,
    "boolean": _EQUALITY,
    "uuid": _EQUALITY,
    "constant": _EQUALITY,
    "flag": ("=", "<>"),
    "outputs": ("IS NULL",),
}
_LOOKUPS = {"=": "exact", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}


@dataclass(frozen=True, slots=True)
class Plan:
    filter: ir.Node
    order_by: tuple[str, ...]  # ORM ordering, e.g. ("-date_uploaded", "title")


def lower_query(query: Query) -> Plan:
    node = ir.TRUE if query.where is None else lower_expr(query.where)
    return Plan(node, tuple(_order(item) for item in query.order_by))


def lower_expr(expr: Expr) -> ir.Node:
    if isinstance(expr, And):
        return ir.all_of(lower_expr(operand) for operand in expr.operands)
    if isinstance(expr, Or):
        return ir.any_of(lower_expr(operand) for operand in expr.operands)
    if isinstance(expr, Not):
        return ir.negate(lower_expr(expr.operand))
    spec = resolve_field(expr.field)
    operator = operator_name(expr)
    allowed = OPERATORS[spec.kind]
    if operator not in allowed:
        detail = f"{expr.field.name} accepts {', '.join(allowed)}"
        raise error_at(f"{operator} cannot be used with {expr.field.name}", expr.position, detail=detail)
    return _HANDLERS.get(spec.kind, _column)(spec, expr)


def operator_name(predicate: Predicate) -> str:
    if isinstance(predicate, Comparison):
        return predicate.op
    if isinstance(predicate, Like):
        return "ILIKE" if predicate.case_insensitive else "LIKE"
    if isinstance(predicate, In):
        return "IN"
    if isinstance(predicate, Between):
        return "BETWEEN"
    return "IS NULL"


def _values(spec: FieldSpec, predicate: Predicate) -> list[Value]:
    literals: tuple[Literal, ...]
    if isinstance(predicate, Comparison):
        literals = (predicate.value,)
    elif isinstance(predicate, In):
        literals = predicate.values
    elif isinstance(predicate, Between):
        literals = (predicate.low, predicate.high)
    else:
        literals = ()
    return [coerce(spec, literal, predicate.field.name) for literal in literals]


def _column(spec: FieldSpec, predicate: Predicate) -> ir.Node:
    if isinstance(predicate, IsNull):
        return ir.Match(spec.path, "isnull", not predicate.negated)
    if isinstance(predicate, Like):
        pattern = predicate.pattern
        lookup, value = like_lookup(
            str(pattern.value), case_insensitive=predicate.case_insensitive, position=pattern.position
        )
        return _maybe_negated(spec, ir.Match(spec.path, lookup, value), predicate.negated)
    path, values = _temporal(spec, _values(spec, predicate))
    if isinstance(predicate, Comparison):
        if predicate.op == "<>":
            return _maybe_negated(spec, ir.Match(path, "exact", values[0]), True)
        return ir.Match(path, _LOOKUPS[predicate.op], values[0])
    if isinstance(predicate, In):
        return _maybe_negated(spec, ir.Match(path, "in", tuple(values)), predicate.negated)
    assert isinstance(predicate, Between)
    return _maybe_negated(spec, ir.Match(path, "range", (values[0], values[1])), predicate.negated)


def _maybe_negated(spec: FieldSpec, node: ir.Node, negated: bool) -> ir.Node:
    """A negated operator, like its positive form, never matches NULL."""
    if not negated:
        return node
    if spec.nullable:
        return ir.all_of((ir.negate(node), ir.Match(spec.path, "isnull", False)))
    return ir.negate(node)


def _temporal(spec: FieldSpec, values: list[Value]) -> tuple[str, list[Value]]:
    """DATE values compare with the day a timestamp falls on (UTC); mixed with TIMESTAMPs,
    a DATE stands for its midnight."""
    if spec.kind != "datetime":
        return spec.path, values
    if all(type(value) is date for value in values):
        return f"{spec.path}__date", values
    return spec.path, [start_of_day(value) if type(value) is date else value for value in values]


def _constant(spec: FieldSpec, predicate: Predicate) -> ir.Node:
    if isinstance(predicate, IsNull):
        return ir.Const(predicate.negated)  # never NULL
    values = _values(spec, predicate)
    if isinstance(predicate, Comparison):
        return ir.Const((spec.constant == values[0]) == (predicate.op == "="))
    assert isinstance(predicate, In)
    return ir.Const((spec.constant in values) != predicate.negated)


def _flag(spec: FieldSpec, predicate: Predicate) -> ir.Node:
    assert isinstance(predicate, Comparison)
    wanted = _values(spec, predicate)[0]
    node = ir.Exists(spec.path)
    return node if wanted == (predicate.op == "=") else ir.negate(node)


def _outputs(spec: FieldSpec, predicate: Predicate) -> ir.Node:
    assert isinstance(predicate, IsNull)
    unpublished = ir.Match(spec.path, "exact", "")
    return ir.negate(unpublished) if predicate.negated else unpublished


_HANDLERS: dict[str, Callable[[FieldSpec, Predicate], ir.Node]] = {
    "constant": _constant,
    "flag": _flag,
    "outputs": _outputs,
}


def _order(item: OrderItem) -> str:
    spec = resolve_field(item.field)
    if not spec.sortable:
        raise error_at(f"Cannot sort by {item.field.name}", item.field.position, detail="Sort by a stored field")
    return f"-{spec.path}" if item.descending else spec.path

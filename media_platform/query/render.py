"""A syntax tree → query text that parses back to the same tree."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from . import ast


def render(query: ast.Query) -> str:
    parts = [f"SELECT * FROM {query.source}"] if query.source else []
    if query.where is not None:
        parts.append(("WHERE " if query.source else "") + render_expr(query.where))
    if query.order_by:
        items = (f"{item.field.name}{' DESC' if item.descending else ''}" for item in query.order_by)
        parts.append("ORDER BY " + ", ".join(items))
    return " ".join(parts)


def render_expr(expr: ast.Expr) -> str:
    if isinstance(expr, ast.And | ast.Or):
        joiner = " AND " if isinstance(expr, ast.And) else " OR "
        return joiner.join(_operand(operand) for operand in expr.operands)
    if isinstance(expr, ast.Not):
        return f"NOT {_operand(expr.operand)}"
    return _predicate(expr)


def _operand(expr: ast.Expr) -> str:
    """Groups keep their parentheses, so the tree that comes back is the same shape."""
    text = render_expr(expr)
    return f"({text})" if isinstance(expr, ast.And | ast.Or) else text


def _predicate(predicate: ast.Predicate) -> str:
    name = predicate.field.name
    negation = "NOT " if getattr(predicate, "negated", False) else ""
    if isinstance(predicate, ast.Comparison):
        return f"{name} {predicate.op} {render_literal(predicate.value)}"
    if isinstance(predicate, ast.Like):
        keyword = "ILIKE" if predicate.case_insensitive else "LIKE"
        return f"{name} {negation}{keyword} {render_literal(predicate.pattern)}"
    if isinstance(predicate, ast.In):
        return f"{name} {negation}IN ({', '.join(render_literal(value) for value in predicate.values)})"
    if isinstance(predicate, ast.Between):
        low, high = render_literal(predicate.low), render_literal(predicate.high)
        return f"{name} {negation}BETWEEN {low} AND {high}"
    return f"{name} IS {negation}NULL"


def render_literal(literal: ast.Literal) -> str:
    value = literal.value
    if literal.kind == "string":
        return quote(str(value))
    if literal.kind == "boolean":
        return "TRUE" if value else "FALSE"
    if literal.kind == "timestamp":
        assert isinstance(value, datetime)
        return f"TIMESTAMP '{value.isoformat()}'"
    if literal.kind == "date":
        assert isinstance(value, date)
        return f"DATE '{value.isoformat()}'"
    assert isinstance(value, int | Decimal)
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    return text if "." in text else text + ".0"  # keeps a decimal from reading back as an integer


def quote(text: str) -> str:
    """Single quotes; a backslash doubled (the lexer reads ``\\\\`` as one) and a quote doubled."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"

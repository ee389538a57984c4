"""ir → a Django Q and an ordering. The only module of the query language that imports Django.

Every value reaches the database as a query parameter through the ORM; no SQL is built here.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db import models
from django.db.models import Q

from media_platform.engine.issues import Severity
from media_platform.models import TranscodingMessage

from . import ir
from .lower import lower_query
from .parser import parse_syntax


@dataclass(frozen=True)
class CompiledQuery:
    q: Q
    order_by: list[str] = field(default_factory=list)


def compile_query(text: str) -> CompiledQuery:
    """Query text → Q over Video plus its ORDER BY; raises QuerySyntaxError."""
    plan = lower_query(parse_syntax(text))
    return CompiledQuery(q=to_q(plan.filter), order_by=list(plan.order_by))


def filter_videos(queryset: models.QuerySet, text: str) -> models.QuerySet:
    """``queryset`` narrowed to the videos ``text`` selects, in its order when it names one."""
    compiled = compile_query(text)
    queryset = queryset.filter(compiled.q)
    return queryset.order_by(*compiled.order_by) if compiled.order_by else queryset


def _has_errors() -> models.Exists:
    messages = TranscodingMessage.objects.filter(video=models.OuterRef("pk"), level=Severity.ERROR)
    return models.Exists(messages)


SUBQUERIES = {"has_errors": _has_errors}


def to_q(node: ir.Node) -> Q:
    if isinstance(node, ir.Match):
        return Q(**{f"{node.path}__{node.lookup}": node.value})
    if isinstance(node, ir.Exists):
        return Q(SUBQUERIES[node.name]())
    if isinstance(node, ir.Const):
        # Folding leaves a constant only at the top, where an empty Q is "every video".
        return Q() if node.value else Q(pk__in=[])
    if isinstance(node, ir.Negate):
        return ~to_q(node.item)
    combine = operator.and_ if isinstance(node, ir.AllOf) else operator.or_
    return reduce(combine, (to_q(item) for item in node.items))

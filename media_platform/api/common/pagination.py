from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    number: int
    size: int


def paginate(queryset: QuerySet, *, page: int, size: int) -> Page:
    """One COUNT and one page query, whatever the page size."""
    page, size = max(1, page), max(1, size)
    total = queryset.count()
    items = list(queryset[(page - 1) * size : page * size])
    return Page(items, total, page, size)


def int_param(params, name: str, default: int, *, low: int = 1, high: int = 1000) -> int:
    try:
        value = int(params.get(name, default))
    except (TypeError, ValueError):
        return default
    return max(low, min(high, value))

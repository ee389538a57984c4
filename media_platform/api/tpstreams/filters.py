"""The list's query parameters, as the service documents them: `status` (repeatable: queued,
transcoding, completed, error — and cancelled), `created_from` / `created_to` (ISO 8601) and
`ordering` (`created` or `-created`, the default). A bad value is a 400 naming the parameter."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .payloads import STATUS, statuses_for

ORDERINGS = {"created": ("created_at", "id"), "-created": ("-created_at", "-id")}
PARAMETERS = [
    OpenApiParameter("page", int, description="Page number"),
    OpenApiParameter("page_size", int, description="Jobs per page (20 unless given, at most 100)"),
    OpenApiParameter(
        "status", str, many=True, enum=sorted({w.lower() for w in STATUS.values()}), description="Repeat for several"
    ),
    OpenApiParameter("created_from", str, description="Created on or after (ISO 8601)"),
    OpenApiParameter("created_to", str, description="Created on or before (ISO 8601)"),
    OpenApiParameter("ordering", str, enum=list(ORDERINGS), description="-created (latest first) or created"),
]


def filter_jobs(queryset: QuerySet, params) -> QuerySet:
    errors: dict[str, list[str]] = {}
    words = [w for w in params.getlist("status") if w.strip()]
    if words:
        statuses = [status for word in words for status in statuses_for(word)]
        unknown = [word for word in words if not statuses_for(word)]
        for word in unknown:
            errors.setdefault("status", []).append(
                f"Select a valid choice. {word} is not one of the available choices."
            )
        queryset = queryset.filter(status__in=statuses)
    for name, lookup in (("created_from", "created_at__gte"), ("created_to", "created_at__lte")):
        if value := params.get(name):
            moment = _datetime(value)
            if moment is None:
                errors[name] = ["Enter a valid date/time."]
            else:
                queryset = queryset.filter(**{lookup: moment})
    if errors:
        raise serializers.ValidationError(errors)
    return queryset.order_by(*ORDERINGS.get(params.get("ordering", ""), ORDERINGS["-created"]))


def _datetime(value: str) -> datetime | None:
    text = value.strip().replace(" ", "+")  # a `+` left unescaped in a query string arrives as a space
    try:
        moment = parse_datetime(text)
        if moment is None and (day := parse_date(text)) is not None:
            moment = datetime.combine(day, time.min)
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment

"""Changelist filters for videos: has errors, and upload date ranges (presets or from/until)."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from media_platform.selectors.admin import has_errors


class HasErrorsFilter(admin.SimpleListFilter):
    title = "errors"
    parameter_name = "has_errors"

    def lookups(self, request, model_admin):
        return [("yes", "Has errors"), ("no", "No errors")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(has_errors())
        if self.value() == "no":
            return queryset.exclude(has_errors())
        return queryset


def _moment(value) -> datetime.datetime | None:
    """A date (midnight, server time zone) or a datetime from a query string; None if neither."""
    if isinstance(value, list):
        value = value[-1] if value else ""
    text = str(value or "").strip()
    if not text:
        return None
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            return None
        moment = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class UploadedRangeFilter(admin.DateFieldListFilter):
    """Django's date presets, a few longer ones, and a from/until form (dates, until exclusive)."""

    template = "admin/media_platform/date_range_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        today = timezone.localtime(timezone.now()).replace(hour=0, minute=0, second=0, microsecond=0)
        tomorrow = today + datetime.timedelta(days=1)
        since, until = self.lookup_kwarg_since, self.lookup_kwarg_until
        extra = (
            ("Past 30 days", {since: today - datetime.timedelta(days=30), until: tomorrow}),
            ("Past 90 days", {since: today - datetime.timedelta(days=90), until: tomorrow}),
            ("Older than a year", {until: today - datetime.timedelta(days=365)}),
        )
        self.links = (*self.links, *extra)
        self.hidden_params = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in (self.lookup_kwarg_since, self.lookup_kwarg_until, "p")
            for value in values
        ]

    def _bound(self, name):
        return _moment(self.used_parameters.get(name))

    @property
    def since_value(self) -> str:
        moment = self._bound(self.lookup_kwarg_since)
        return moment.date().isoformat() if moment else ""

    @property
    def until_value(self) -> str:
        moment = self._bound(self.lookup_kwarg_until)
        return moment.date().isoformat() if moment else ""

    def queryset(self, request, queryset):
        bounds = {}
        for name in (self.lookup_kwarg_since, self.lookup_kwarg_until):
            moment = self._bound(name)
            if moment is not None:
                bounds[name] = moment
        return queryset.filter(**bounds) if bounds else queryset

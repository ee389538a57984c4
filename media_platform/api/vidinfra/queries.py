"""Reads of vidinfra jobs: a library's processes in this dialect, with what rendering them needs."""

from __future__ import annotations

from django.db.models import QuerySet

from media_platform.models import EncodingProcess, Library
from media_platform.webhooks.payloads.vidinfra import engine_statuses


def vidinfra_jobs(library: Library, *, status: str | None = None) -> QuerySet[EncodingProcess]:
    """Newest first; jobs, their outputs and messages prefetched (a page renders in four queries)."""
    queryset = EncodingProcess.objects.filter(library=library, dialect=EncodingProcess.Dialect.VIDINFRA)
    if status:
        queryset = queryset.filter(status__in=engine_statuses(status))
    return queryset.prefetch_related("jobs__outputs", "messages").order_by("-created_at", "-id")

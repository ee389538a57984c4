"""Reads of a library's processes as one dialect sees them: its own, started through it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from media_platform.models import EncodingProcess, Library


def process_list(
    *, library: Library, dialect: str, statuses: Iterable[str] | None = None, with_outputs: bool = False
) -> QuerySet[EncodingProcess]:
    """Newest first. with_outputs: jobs, their outputs and messages prefetched (a page in four queries)."""
    queryset = EncodingProcess.objects.filter(library=library, dialect=dialect)
    if statuses is not None:
        queryset = queryset.filter(status__in=list(statuses))
    if with_outputs:
        queryset = queryset.prefetch_related("jobs__outputs", "messages")
    return queryset.select_related("library").order_by("-created_at", "-id")


def process_get(
    *, library: Library, dialect: str, public_id: str, with_outputs: bool = False
) -> EncodingProcess | None:
    """The process with this public id, if it is the library's and this dialect's."""
    if "\x00" in public_id:  # no id holds one, and PostgreSQL refuses it in a query (an error, not a miss)
        return None
    return process_list(library=library, dialect=dialect, with_outputs=with_outputs).filter(public_id=public_id).first()

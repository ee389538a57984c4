"""Reads for bulk commands: the command by its Nuxeo id, and the videos its query selects."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from media_platform.models import BulkCommand, Video
from media_platform.query.compile import compile_query


def bulk_command_get(command_id: str) -> BulkCommand | None:
    try:
        key = uuid.UUID(str(command_id))
    except ValueError:
        return None
    return BulkCommand.objects.filter(command_id=key).first()


def bulk_command_videos(command: BulkCommand) -> QuerySet[Video]:
    """Every video the command's query selects (in its library when it names one), unordered:
    the scroll walks them by primary key, whatever ORDER BY the query has."""
    queryset = Video.objects.filter(compile_query(command.query).q)
    if command.library_id is not None:
        queryset = queryset.filter(library_id=command.library_id)
    return queryset.order_by()

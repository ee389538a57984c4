"""Nuxeo's bulkStatus entity, key for key as the service writes it."""

from __future__ import annotations

from datetime import UTC, datetime

from media_platform.models import BulkCommand


def nuxeo_time(value: datetime | None) -> str | None:
    """ISO-8601 in UTC with milliseconds and Z: 2019-07-26T12:10:07.567Z."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def bulk_status_entity(command: BulkCommand) -> dict:
    return {
        "entity-type": "bulkStatus",
        "commandId": str(command.command_id),
        "state": command.state,
        "processed": command.processed,
        "error": command.error,
        "errorCount": command.error_count,
        "total": command.total,
        "action": command.action,
        "username": command.username,
        "submitted": nuxeo_time(command.submitted),
        "scrollStart": nuxeo_time(command.scroll_start),
        "scrollEnd": nuxeo_time(command.scroll_end),
        "processingStart": nuxeo_time(command.processing_start),
        "processingEnd": nuxeo_time(command.processing_end),
        "completed": nuxeo_time(command.completed),
        "processingMillis": command.processing_millis,
    }


def exception_entity(status: int, message: str) -> dict:
    return {"entity-type": "exception", "status": status, "message": message}

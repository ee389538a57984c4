"""Nuxeo's bodies as OpenAPI components. The entity's keys have hyphens, so the schema is built inline."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from media_platform.query import DEFAULT_QUERY
from media_platform.status import BulkState


def _time(help_text: str) -> serializers.DateTimeField:
    return serializers.DateTimeField(allow_null=True, help_text=f"{help_text}; ISO-8601 UTC with milliseconds")


BulkStatus = inline_serializer(
    name="BulkStatus",
    fields={
        "entity-type": serializers.CharField(default="bulkStatus"),
        "commandId": serializers.UUIDField(),
        "state": serializers.ChoiceField([s.value for s in BulkState]),
        "processed": serializers.IntegerField(help_text="Videos whose work was queued"),
        "error": serializers.BooleanField(),
        "errorCount": serializers.IntegerField(help_text="Videos that could not be processed (no original)"),
        "total": serializers.IntegerField(help_text="Videos the query selects"),
        "action": serializers.CharField(default="recomputeVideoConversion"),
        "username": serializers.CharField(),
        "submitted": serializers.DateTimeField(),
        "scrollStart": _time("When the scroll of the query began"),
        "scrollEnd": _time("When it ended"),
        "processingStart": _time("When the first video's work was queued"),
        "processingEnd": _time("When the last was"),
        "completed": _time("When the command completed or was aborted"),
        "processingMillis": serializers.IntegerField(),
    },
)

ExceptionEntity = inline_serializer(
    name="NuxeoException",
    fields={
        "entity-type": serializers.CharField(default="exception"),
        "status": serializers.IntegerField(),
        "message": serializers.CharField(),
    },
)


class RecomputeInput(serializers.Serializer):
    query = serializers.CharField(required=False, help_text=f"An NXQL query. Defaults to: {DEFAULT_QUERY}")
    conversionNames = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Conversions to recompute, e.g. 720p or 'MP4 480p'; repeated, or comma-separated. "
        "Empty: every enabled resolution. The others are kept.",
    )
    recomputeAllVideoInfo = serializers.BooleanField(
        required=False, default=False, help_text="Recompute all video info; only missing info when false"
    )


ERRORS = {
    401: OpenApiResponse(ExceptionEntity, description="No or wrong credentials"),
    403: OpenApiResponse(ExceptionEntity, description="Not an administrator"),
}

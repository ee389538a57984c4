"""POST /api/v1/management/videos/recompute, GET /api/v1/bulk/{commandId}, PUT /api/v1/bulk/{commandId}/abort."""

from __future__ import annotations

from django.http import QueryDict
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from media_platform.models import BulkCommand
from media_platform.query.errors import QuerySyntaxError
from media_platform.services.bulk import BulkParamError, bulk_command_abort, bulk_command_create

from .base import NuxeoApiView
from .errors import BadRequest
from .presenters import bulk_status_entity
from .serializers import ERRORS, BulkStatus, ExceptionEntity, RecomputeInput

COMMAND_ID = OpenApiParameter("command_id", str, OpenApiParameter.PATH, description="The bulk command's commandId")
TRUE = {"true", "1", "yes", "on"}


def _conversion_names(data) -> list[str] | str | None:
    if isinstance(data, QueryDict):
        return data.getlist("conversionNames") or None
    return data.get("conversionNames")


def _flag(value) -> bool:
    return value if isinstance(value, bool) else str(value or "").strip().lower() in TRUE


class RecomputeApi(NuxeoApiView):
    """Recompute the conversions of the videos a query selects, as one bulk command."""

    @extend_schema(
        operation_id="recomputeVideoConversions",
        summary="Recompute Video Conversions",
        request={"application/x-www-form-urlencoded": RecomputeInput, "application/json": RecomputeInput},
        responses={200: BulkStatus, 400: ExceptionEntity, **ERRORS},
    )
    def post(self, request):
        data = request.data
        try:
            command = bulk_command_create(
                query=data.get("query"),
                action=BulkCommand.Action.RECOMPUTE,
                conversion_names=_conversion_names(data),
                recompute_all_video_info=_flag(data.get("recomputeAllVideoInfo")),
                user=request.user,
            )
        except (QuerySyntaxError, BulkParamError) as exc:
            raise BadRequest(exc.message) from exc
        return Response(bulk_status_entity(command))


class BulkStatusApi(NuxeoApiView):
    """Where a bulk command is."""

    @extend_schema(
        operation_id="getBulkStatus",
        summary="Get Bulk Status",
        parameters=[COMMAND_ID],
        responses={200: BulkStatus, 404: ExceptionEntity, **ERRORS},
    )
    def get(self, request, command_id: str):
        return Response(bulk_status_entity(self.get_command(command_id)))


class BulkAbortApi(NuxeoApiView):
    """Stop a bulk command: no further video is queued; work already queued finishes."""

    @extend_schema(
        operation_id="abortBulkCommand",
        summary="Abort Bulk Command",
        request=None,
        parameters=[COMMAND_ID],
        responses={200: BulkStatus, 404: ExceptionEntity, **ERRORS},
    )
    def put(self, request, command_id: str):
        command = bulk_command_abort(command=self.get_command(command_id))
        return Response(bulk_status_entity(command))

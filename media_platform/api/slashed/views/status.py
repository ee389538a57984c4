"""GET /status/{id} and GET /status/detailed/{id}."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from ..base import SlashedApiView
from ..presenters import detailed_body, status_body
from ..serializers import ERRORS, NotFoundBody, ProcessDetail, StatusBody

PROCESS_ID = OpenApiParameter("process_id", str, OpenApiParameter.PATH, description="The process id")


class ProcessStatusApi(SlashedApiView):
    """Where a process is, and why it failed when it did."""

    @extend_schema(
        operation_id="getProcessStatus",
        summary="Get Process Status",
        parameters=[PROCESS_ID],
        responses={200: StatusBody, 404: NotFoundBody, **ERRORS},
    )
    def get(self, request, process_id: str):
        return Response(status_body(self.get_process(process_id)))


class ProcessStatusDetailedApi(SlashedApiView):
    """Everything about a process: cost, source, every job's output (the callback's body)."""

    @extend_schema(
        operation_id="getProcessStatusDetailed",
        summary="Detailed Process Status",
        parameters=[PROCESS_ID],
        responses={200: ProcessDetail, 404: NotFoundBody, **ERRORS},
    )
    def get(self, request, process_id: str):
        return Response(detailed_body(self.get_process(process_id)))

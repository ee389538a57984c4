"""POST /jobs (create a transcoding job) and GET /jobs (the library's jobs, a page at a time)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from media_platform.api.common.pagination import int_param, paginate
from media_platform.selectors.processes import process_list
from media_platform.services.pipeline import encoding_process_create

from ..base import VidinfraApiView
from ..errors import ValidationFailed
from ..examples import REQUEST_EXAMPLE, RESPONSE_EXAMPLE
from ..payloads import PUBLIC_STATUSES, engine_statuses
from ..presenters import CREATED, job_body, list_body
from ..process_fields import create_fields
from ..serializers import ERRORS, JobBody, JobListBody, JobRequest, ValidationErrorBody
from ..validate import validate_create

LIST_PARAMETERS = [
    OpenApiParameter("page", int, description="Page number, from 1 (default 1)"),
    OpenApiParameter("limit", int, description="Jobs per page, 1-100 (default 20)"),
    OpenApiParameter("status", str, enum=list(PUBLIC_STATUSES), description="Only jobs in this status"),
]


class JobsApi(VidinfraApiView):
    """Transcoding jobs: create one from a source and its output formats; list them."""

    @extend_schema(
        operation_id="createJob",
        summary="Create a transcoding job",
        description=(
            "The source must be readable and every destination bucket writable with the credentials given: "
            "otherwise 400 naming the field. Every failing field is listed at once; nothing is created then."
        ),
        request=JobRequest,
        responses={200: JobBody, 400: ValidationErrorBody, **ERRORS},
        examples=[REQUEST_EXAMPLE, RESPONSE_EXAMPLE],
    )
    def post(self, request):
        valid = validate_create(request.data, self.library)
        process = encoding_process_create(**create_fields(valid, self.library))
        return Response(job_body(process, CREATED))

    @extend_schema(
        operation_id="listJobs",
        summary="Get all jobs",
        parameters=LIST_PARAMETERS,
        responses={200: JobListBody, 400: ValidationErrorBody, **ERRORS},
    )
    def get(self, request):
        status = request.query_params.get("status") or None
        if status is not None and status not in PUBLIC_STATUSES:
            message = f"status must be one of: {', '.join(PUBLIC_STATUSES)}"
            raise ValidationFailed([{"field": "status", "message": message}])
        jobs = process_list(
            library=self.library,
            dialect=self.dialect,
            statuses=engine_statuses(status) if status else None,
            with_outputs=True,
        )
        page = paginate(
            jobs,
            page=int_param(request.query_params, "page", 1, high=100_000),
            size=int_param(request.query_params, "limit", 20, high=100),
        )
        return Response(list_body(page))

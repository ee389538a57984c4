"""GET, PUT and DELETE /jobs/{id}: one job of the key's library (any other id answers 404)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from media_platform.services.pipeline import ProcessNotEditable, encoding_process_cancel, encoding_process_update

from ..base import VidinfraApiView
from ..errors import JobConflict
from ..payloads import public_status
from ..presenters import CANCELLED, CANCELLING, UPDATED, job_body
from ..process_fields import update_fields
from ..serializers import ERRORS, ErrorBody, JobBody, JobUpdateRequest, ValidationErrorBody
from ..validate import validate_update

NOT_EDITABLE = "The job can be updated only while it is queued; it has already started or ended."
JOB_ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="The job's id")


class JobApi(VidinfraApiView):
    @extend_schema(
        operation_id="getJob",
        summary="Get a job",
        description="Its status and progress, and per format the files written (size, duration, codecs).",
        parameters=[JOB_ID],
        responses={200: JobBody, 404: ErrorBody, **ERRORS},
    )
    def get(self, request, id: str):
        return Response(job_body(self.get_job(id)))

    @extend_schema(
        operation_id="updateJob",
        summary="Update a job",
        description=(
            "Only while the job is queued (409 once it started or ended). Replaces what the body names: "
            "webhook_config, source, format (with upscale), video_id."
        ),
        parameters=[JOB_ID],
        request=JobUpdateRequest,
        responses={200: JobBody, 400: ValidationErrorBody, 404: ErrorBody, 409: ErrorBody, **ERRORS},
    )
    def put(self, request, id: str):
        process = self.get_job(id)
        valid = validate_update(request.data, self.library)
        try:
            encoding_process_update(**update_fields(valid, process))
        except ProcessNotEditable as exc:
            raise JobConflict(NOT_EDITABLE) from exc
        return Response(job_body(self.get_job(id), UPDATED))

    @extend_schema(
        operation_id="deleteJob",
        summary="Delete (cancel) a job",
        description=(
            "A queued job is cancelled at once. A running one is stopped within a second or two (ffmpeg is "
            "killed) and none of its outputs are published; its status turns cancelled then. 409 once it ended."
        ),
        parameters=[JOB_ID],
        responses={200: JobBody, 404: ErrorBody, 409: ErrorBody, **ERRORS},
    )
    def delete(self, request, id: str):
        process = self.get_job(id)
        if process.is_done:
            status = public_status(process.status)
            raise JobConflict(f"The job has already ended ({status}); there is nothing to cancel.")
        encoding_process_cancel(process=process)
        process = self.get_job(id)
        return Response(job_body(process, CANCELLED if process.is_done else CANCELLING))

"""POST /retry: run failed processes again, one answer per id.

Only a FAILED, PARTIALLY_FAILED or cancelled process is retried; one that is still running or
has finished is answered 409 in its entry, as is one that the library's limit of simultaneous
processes leaves no room for. The response is always an array, in the order of the ids."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from media_platform.selectors.processes import process_get
from media_platform.services.pipeline import encoding_process_retry
from media_platform.services.pipeline.control import RETRYABLE

from ..base import SlashedApiView
from ..errors import TooManyProcesses
from ..limits import process_slot
from ..payloads import public_status
from ..presenters import retried_body, retry_refused_body
from ..serializers import ERRORS, RetryRequest, RetryResult, ValidationErrorBody
from ..validate import validate_retry


class ProcessRetryApi(SlashedApiView):
    """Reprocess failed processes; one entry per id: 200, 404 (not found) or 409 (not failed, or no room)."""

    @extend_schema(
        operation_id="retryProcesses",
        summary="Retry Processes",
        request=RetryRequest,
        responses={200: RetryResult(many=True), 400: ValidationErrorBody, **ERRORS},
    )
    def post(self, request):
        self.check_service(request.data)
        return Response([self._retry(process_id) for process_id in validate_retry(request.data)])

    def _retry(self, process_id: str) -> dict:
        process = process_get(library=self.library, dialect=self.dialect, public_id=process_id)
        if process is None:
            return retry_refused_body(process_id, 404, "Process not found")
        try:
            with process_slot(self.library):
                process.refresh_from_db()  # under the library's lock: two retries cannot both pass
                if process.status not in RETRYABLE:
                    status = public_status(process.status)
                    return retry_refused_body(
                        process_id, 409, f"Process is {status}: only failed processes can be retried"
                    )
                attempt = encoding_process_retry(process=process)
        except TooManyProcesses:
            return retry_refused_body(process_id, 409, "Limit of simultaneous processes reached")
        return retried_body(process_id, attempt)

"""POST /request: create an encoding process."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response

from media_platform.models import EncodingProcess
from media_platform.services.pipeline import encoding_process_create

from ..base import SlashedApiView
from ..limits import process_slot
from ..presenters import created_body
from ..serializers import ERRORS, EncodingRequest, ErrorBody, RequestReceived, ValidationErrorBody
from ..translate import masked_request, translate
from ..validate import validate_request

EXAMPLE = {
    "service_id": 1,
    "source": "sources/my_4k_source.mp4",
    "priority": "low",
    "callback": "https://example.org/webhook/03c58960-343e-4baf-9921-9393ade6a7aa",
    "jobs": [
        {
            "type": "encode",
            "video_codec": "av1",
            "audio_codec": "aac",
            "quality": "premium",
            "destination": "encoded_av1_1080p.mp4",
            "transformations": [{"type": "resize", "width": 480, "height": 270}],
        }
    ],
}


class RequestCreateApi(SlashedApiView):
    """Create a new video encoding process; its id comes back at once, the work is queued."""

    @extend_schema(
        operation_id="createProcess",
        summary="Create Video Encoding Process",
        request=EncodingRequest,
        responses={200: RequestReceived, 400: ValidationErrorBody, 409: ErrorBody, **ERRORS},
        examples=[OpenApiExample("Encode", value=EXAMPLE, request_only=True)],
    )
    def post(self, request):
        data = request.data
        self.check_service(data)
        valid = validate_request(data, self.library)
        plan = translate(valid, self.library)
        with process_slot(self.library):
            process = encoding_process_create(
                library=self.library,
                source=plan.source,
                destination=plan.destination,
                jobs=plan.jobs,
                job_destinations=plan.job_destinations,
                dialect=EncodingProcess.Dialect.SLASHED,
                priority=plan.priority,
                request=masked_request(data),
                callback_url=valid.callback,
            )
        return Response(created_body(process))

"""TPStreams transcoding jobs: create and list (…/transcoding_jobs/), get one (…/transcoding_jobs/<id>/)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from media_platform.models import EncodingProcess
from media_platform.selectors.processes import process_list
from media_platform.services.pipeline import encoding_process_create

from .base import TPStreamsApiView
from .filters import PARAMETERS, filter_jobs
from .presenters import job_detail
from .serializers import ERRORS, ErrorDetail, Job, JobPage, ValidationErrors
from .validate import JobInput, validate_job

ORGANIZATION = OpenApiParameter(
    "organization_id", str, OpenApiParameter.PATH, description="Your organization's id (the library id)"
)
JOB_ID = OpenApiParameter("job_id", str, OpenApiParameter.PATH, description="The transcoding job's id")
S3_OUT = "s3://example-bucket/path/?access_key=<access_key>&secret_key=<secret_key>&region=<region>"
METADATA = {"client_id": "12345", "project": "marketing_campaign_2024"}
EXAMPLES = [
    OpenApiExample(
        "External video URL",
        request_only=True,
        value={
            "input_url": "https://example.com/input-video.mp4",
            "output_path": S3_OUT,
            "resolutions": ["240p", "480p"],
            "client_metadata": METADATA,
        },
    ),
    OpenApiExample(
        "Direct S3 bucket path",
        request_only=True,
        value={
            "input_path": "s3://example-bucket/video.mp4/?access_key=<access_key>&secret_key=<secret_key>&region=<region>",
            "output_path": S3_OUT,
            "resolutions": ["240p", "480p"],
            "client_metadata": METADATA,
        },
    ),
]


class JobPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class TranscodingJobsApi(TPStreamsApiView):
    """POST starts a transcoding job: an HLS ladder (master playlist.m3u8, <res>/video.m3u8 and
    segments) of the requested resolutions the input allows, and thumbnail.jpg, at output_path.
    GET lists the organization's jobs, newest first."""

    @extend_schema(
        operation_id="transcoding_jobs_list",
        summary="List all transcoding jobs",
        parameters=[ORGANIZATION, *PARAMETERS],
        responses={200: JobPage, 400: ValidationErrors, 404: ErrorDetail, **ERRORS},
    )
    def get(self, request, organization_id: str):
        queryset = filter_jobs(process_list(library=self.library, dialect=self.dialect), request.query_params)
        paginator = JobPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response([job_detail(process) for process in page])

    @extend_schema(
        operation_id="transcoding_jobs_create",
        summary="Transcode a video",
        parameters=[ORGANIZATION],
        request=JobInput,
        responses={201: Job, 400: ValidationErrors, **ERRORS},
        examples=EXAMPLES,
    )
    def post(self, request, organization_id: str):
        job = validate_job(request.data)
        process = encoding_process_create(
            library=self.library,
            source=job.input.source,
            destination=job.output.to_json(),
            recipe={"name": "tpstreams", "resolutions": job.resolutions},
            dialect=EncodingProcess.Dialect.TPSTREAMS,
            request=job.masked_request(),
            client_metadata=job.client_metadata,
        )
        return Response(job_detail(process), status=status.HTTP_201_CREATED)


class TranscodingJobApi(TPStreamsApiView):
    """GET one transcoding job: its status, and why it failed when it did."""

    @extend_schema(
        operation_id="transcoding_jobs_retrieve",
        summary="Get a transcoding job",
        parameters=[ORGANIZATION, JOB_ID],
        responses={200: Job, 404: ErrorDetail, **ERRORS},
    )
    def get(self, request, organization_id: str, job_id: str):
        return Response(job_detail(self.get_process(job_id)))

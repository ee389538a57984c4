"""TPStreams transcoding-job paths, as app.tpstreams.com has them (trailing slashes included)."""

from django.urls import path

from .views import TranscodingJobApi, TranscodingJobsApi

urlpatterns = [
    path(
        "api/v1/<str:organization_id>/transcoding_jobs/",
        TranscodingJobsApi.as_view(),
        name="tpstreams-transcoding-jobs",
    ),
    path(
        "api/v1/<str:organization_id>/transcoding_jobs/<str:job_id>/",
        TranscodingJobApi.as_view(),
        name="tpstreams-transcoding-job",
    ),
]

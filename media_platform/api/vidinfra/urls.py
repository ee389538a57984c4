"""vidinfra transcoding service v2 paths, as the service has them (a trailing slash is tolerated)."""

from django.urls import re_path

from .views import JobApi, JobsApi

urlpatterns = [
    re_path(r"^jobs/?$", JobsApi.as_view(), name="vidinfra-jobs"),
    re_path(r"^jobs/(?P<id>[A-Za-z0-9_-]{1,64})/?$", JobApi.as_view(), name="vidinfra-job"),
]

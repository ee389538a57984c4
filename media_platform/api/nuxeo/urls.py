"""Nuxeo's REST paths (under /nuxeo/ on a real server), exactly as the service has them."""

from django.urls import path

from .views import BulkAbortApi, BulkStatusApi, RecomputeApi

urlpatterns = [
    path("api/v1/management/videos/recompute", RecomputeApi.as_view(), name="nuxeo-videos-recompute"),
    path("api/v1/bulk/<str:command_id>", BulkStatusApi.as_view(), name="nuxeo-bulk-status"),
    path("api/v1/bulk/<str:command_id>/abort", BulkAbortApi.as_view(), name="nuxeo-bulk-abort"),
]

"""The request API's paths, exactly as the service has them."""

from django.urls import path

from .views import ProcessRetryApi, ProcessStatusApi, ProcessStatusDetailedApi, RequestCreateApi

urlpatterns = [
    path("request", RequestCreateApi.as_view(), name="slashed-request"),
    path("status/detailed/<str:process_id>", ProcessStatusDetailedApi.as_view(), name="slashed-status-detailed"),
    path("status/<str:process_id>", ProcessStatusApi.as_view(), name="slashed-status"),
    path("retry", ProcessRetryApi.as_view(), name="slashed-retry"),
]

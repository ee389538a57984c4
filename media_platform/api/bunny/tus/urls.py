"""bunny's TUS endpoint, at the path video.bunnycdn.com has it (a trailing slash is tolerated)."""

from django.urls import re_path

from .views import TusCreateApi, TusUploadApi

urlpatterns = [
    re_path(r"^tusupload/?$", TusCreateApi.as_view(), name="tus-create"),
    re_path(r"^tusupload/(?P<upload_id>[0-9a-fA-F-]{36})/?$", TusUploadApi.as_view(), name="tus-upload"),
]

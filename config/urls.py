from django.contrib import admin
from django.urls import include, path

from media_platform.api.dialects import DIALECTS

urlpatterns = [
    path("admin/rq/", include("django_rq.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("media_platform.api.docs.urls")),
    # The dialects keep the paths of the services they mirror (no two of them share a path).
    *(path("", include(dialect.urls)) for dialect in DIALECTS),
    # bunny's resumable uploads (TUS), beside its Stream API
    path("", include("media_platform.api.bunny.tus.urls")),
    path("", include("media_platform.playback.urls")),
]

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/rq/", include("django_rq.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("media_platform.api.docs.urls")),
    # The dialects keep the paths of the services they mirror.
    path("", include("media_platform.api.nuxeo.urls")),
    path("", include("media_platform.api.slashed.urls")),
    path("", include("media_platform.api.vidinfra.urls")),
    path("", include("media_platform.api.tpstreams.urls")),
    path("", include("media_platform.api.bunny.urls")),
    path("", include("media_platform.api.tus.urls")),
    path("", include("media_platform.playback.urls")),
]

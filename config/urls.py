from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/rq/", include("django_rq.urls")),
    path("admin/", admin.site.urls),
    path("", include("media_platform.api.bunny.urls")),
    path("", include("media_platform.delivery.urls")),
]

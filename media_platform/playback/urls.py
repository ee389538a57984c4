from django.urls import path

from .keys import content_key_view
from .views import video_file

urlpatterns = [
    path("keys/<str:public_id>.key", content_key_view, name="content-key"),
    path("<uuid:guid>/<path:name>", video_file, name="playback-file"),
]

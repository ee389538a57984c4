from django.urls import path

from .embed import embed_page
from .keys import content_key_view
from .views import video_file

urlpatterns = [
    path("keys/<str:public_id>.key", content_key_view, name="content-key"),
    path("embed/<int:library_id>/<uuid:guid>", embed_page, name="embed"),
    path("play/<int:library_id>/<uuid:guid>", embed_page, name="direct-play"),
    path("<uuid:guid>/<path:name>", video_file, name="playback-file"),
]

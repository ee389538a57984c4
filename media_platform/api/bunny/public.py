"""bunny operations a player calls without the library's key (play data, OEmbed): no AccessKey
needed, bunny's StatusModel errors all the same."""

from __future__ import annotations

from django.http import Http404
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from media_platform.models import Video

from .base import is_uuid
from .errors import bunny_exception_handler


class PublicBunnyApiView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_exception_handler(self):
        return bunny_exception_handler

    def public_video(self, library_id, video_id: str) -> Video:
        found = (
            Video.objects.filter(library_id=library_id, guid=video_id).select_related("library", "collection").first()
            if is_uuid(video_id) and str(library_id).isdigit()
            else None
        )
        if found is None:
            raise Http404("Video not found")
        return found

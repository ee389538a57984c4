from __future__ import annotations

import uuid

from django.http import Http404
from rest_framework import exceptions

from media_platform.api.common.auth import HeaderKeyAuthentication
from media_platform.api.common.views import LibraryApiView
from media_platform.models import Collection, EncodingProcess, Video

from .errors import bunny_exception_handler


class AccessKeyAuthentication(HeaderKeyAuthentication):
    header = "AccessKey"
    scheme_name = "AccessKey"


class BunnyApiView(LibraryApiView):
    """Every bunny operation: AccessKey header, StatusModel errors, the key's own library only."""

    authentication_classes = [AccessKeyAuthentication]
    exception_handler = bunny_exception_handler
    dialect = EncodingProcess.Dialect.BUNNY
    library_kwarg = "library_id"

    def wrong_library(self) -> exceptions.APIException:
        # A key is valid for its own library only, as with bunny's per-library keys.
        return exceptions.AuthenticationFailed("The API key is not valid for this library.")

    def get_video(self, video_id: str, queryset=None) -> Video:
        queryset = queryset if queryset is not None else Video.objects.all()
        video = queryset.filter(library=self.library, guid=video_id).first() if is_uuid(video_id) else None
        if video is None:
            raise Http404("Video not found")
        return video

    def get_collection(self, collection_id: str) -> Collection:
        collection = (
            Collection.objects.filter(library=self.library, guid=collection_id).first()
            if is_uuid(collection_id)
            else None
        )
        if collection is None:
            raise Http404("Collection not found")
        return collection


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True

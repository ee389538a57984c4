"""GET …/videos/{id}/storage: how much storage a video takes, by kind of file."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from media_platform.selectors.storage_size import video_storage_size

from ..base import BunnyApiView
from ..playback_serializers import StatusModelOfVideoStorageSizeModel
from ..serializers import ERRORS


class VideoStorageSizeApi(BunnyApiView):
    @extend_schema(
        operation_id="Video_GetVideoStorageSize", responses={200: StatusModelOfVideoStorageSizeModel, **ERRORS}
    )
    def get(self, request, library_id: int, video_id: str):
        data = video_storage_size(self.get_video(video_id))
        return Response({"success": True, "message": "OK", "statusCode": 200, "data": data})

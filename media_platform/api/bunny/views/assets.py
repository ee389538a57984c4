"""Thumbnails, captions and resolutions of a video."""

from __future__ import annotations

import base64
import binascii

import requests
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from media_platform.engine.captions import CaptionError
from media_platform.models import Caption
from media_platform.net import BlockedAddress, blocked_reason, guarded_session
from media_platform.selectors.videos import video_mp4_outputs
from media_platform.services import video_assets

from ..base import BunnyApiView
from ..errors import error, ok
from ..serializers import ERRORS, StatusModel

MAX_THUMBNAIL = video_assets.MAX_THUMBNAIL_BYTES


def _download_image(url: str) -> bytes:
    with guarded_session() as session, session.get(url, stream=True, timeout=(10, 30)) as response:
        if response.status_code != 200:
            raise video_assets.InvalidImage(f"The thumbnail URL answered HTTP {response.status_code}.")
        data = response.raw.read(MAX_THUMBNAIL + 1, decode_content=True)
    return data


class VideoThumbnailApi(BunnyApiView):
    """POST ?thumbnailUrl=… or an image body sets the video's thumbnail."""

    @extend_schema(
        operation_id="Video_SetThumbnail",
        request={"application/octet-stream": bytes},
        parameters=[OpenApiParameter("thumbnailUrl", str)],
        responses={200: StatusModel, 400: StatusModel, **ERRORS},
    )
    def post(self, request, library_id: int, video_id: str):
        video = self.get_video(video_id)
        url = request.query_params.get("thumbnailUrl")
        try:
            data = _download_image(url) if url else request._request.read(MAX_THUMBNAIL + 1)
            video_assets.thumbnail_set(video=video, data=data)
        except (BlockedAddress, requests.RequestException) as exc:
            reason = blocked_reason(exc)
            return error(
                400,
                f"The thumbnail URL is not allowed: {reason}"
                if reason
                else f"The thumbnail could not be downloaded: {exc}",
            )
        except video_assets.InvalidImage as exc:
            return error(400, str(exc))
        except OSError as exc:
            return error(400, f"The thumbnail could not be downloaded: {exc}")
        return ok()


class VideoCaptionApi(BunnyApiView):
    """POST adds or replaces captions for a language (captionsFile is base64); DELETE removes them."""

    class CaptionInput(serializers.Serializer):
        srclang = serializers.CharField(required=False, max_length=20)
        label = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=200)
        captionsFile = serializers.CharField()

    @extend_schema(
        operation_id="Video_AddCaption", request=CaptionInput, responses={200: StatusModel, 400: StatusModel, **ERRORS}
    )
    def post(self, request, library_id: int, video_id: str, srclang: str):
        video = self.get_video(video_id)
        data = self.CaptionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            content = base64.b64decode(data.validated_data["captionsFile"], validate=True)
            video_assets.caption_add(video=video, srclang=srclang, label=data.validated_data.get("label"), data=content)
        except (binascii.Error, ValueError) as exc:
            message = str(exc) if isinstance(exc, CaptionError) else "captionsFile must be base64-encoded."
            return error(400, message)
        return ok()

    @extend_schema(operation_id="Video_DeleteCaption", responses={200: StatusModel, **ERRORS})
    def delete(self, request, library_id: int, video_id: str, srclang: str):
        caption = Caption.objects.filter(video=self.get_video(video_id), srclang=srclang).first()
        if caption is None:
            return error(404, "Caption not found")
        video_assets.caption_delete(caption=caption)
        return ok()


class VideoResolutionsApi(BunnyApiView):
    @extend_schema(operation_id="Video_GetVideoResolutions", responses={200: dict, **ERRORS})
    def get(self, request, library_id: int, video_id: str):
        video = self.get_video(video_id)
        available = video.resolutions
        configured = [r for r in self.library.enabled_resolutions.split(",") if r]
        data = {
            "videoId": str(video.guid),
            "videoLibraryId": self.library.pk,
            "availableResolutions": available,
            "configuredResolutions": configured,
            "playlistResolutions": [{"resolution": r, "path": f"{r}/video.m3u8"} for r in available],
            "storageResolutions": [{"resolution": r, "path": f"{r}/"} for r in available],
            "mp4Resolutions": [{"resolution": o["rendition"], "path": o["path"]} for o in video_mp4_outputs(video)],
            "storageObjects": [],
            "oldResolutions": [],
            "hasBothOldAndNewResolutionFormat": False,
            "hasOriginal": video.has_original,
        }
        return Response({"success": True, "message": "OK", "statusCode": 200, "data": data})

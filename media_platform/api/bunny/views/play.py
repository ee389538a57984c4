"""What players call, without the library's key: play data and OEmbed."""

from __future__ import annotations

import re
from html import escape
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from media_platform.models import Video
from media_platform.playback.tokens import foreign_key, play_allowed, play_token_valid
from media_platform.selectors.play import embed_size, playback_url, video_play_data
from media_platform.selectors.videos import video_queryset

from ..errors import error
from ..playback_serializers import VideoOEmbedModel, VideoPlayDataModel
from ..public import PublicBunnyApiView
from ..serializers import StatusModel, VideoModel

TOKEN_PARAMETERS = [OpenApiParameter("token", str), OpenApiParameter("expires", int)]
EMBED_URL = re.compile(r"/(?:embed|play)/(\d{1,18})/([0-9a-fA-F-]{36})(?:[/?#]|$)")
PROVIDER_NAME = "Media platform"
DENIED = "This video's library signs its URLs: a valid token and expires are needed."


class VideoPlayDataApi(PublicBunnyApiView):
    """GET …/play and …/play/heatmap: the URLs and player settings of a video."""

    @extend_schema(
        operation_id="Video_GetVideoPlayData",
        parameters=TOKEN_PARAMETERS,
        responses={200: VideoPlayDataModel, 401: StatusModel, 404: StatusModel},
    )
    def get(self, request, library_id: int, video_id: str):
        video = self.public_video(library_id, video_id)
        if foreign_key(request, video):
            return error(401, "The API key is not valid for this library.")
        if not play_allowed(request, video):
            return error(401, DENIED)
        model = VideoModel(video_queryset().get(pk=video.pk)).data
        return Response({"video": model, **video_play_data(video)})


class VideoHeatmapDataApi(VideoPlayDataApi):
    @extend_schema(
        operation_id="Video_GetVideoHeatmapData",
        parameters=TOKEN_PARAMETERS,
        responses={200: VideoPlayDataModel, 401: StatusModel, 404: StatusModel},
    )
    def get(self, request, library_id: int, video_id: str):
        return super().get(request, library_id, video_id)


def embed_url(video: Video, token: str | None = None, expires: str | None = None) -> str:
    url = settings.PUBLIC_BASE_URL + reverse("embed", args=[video.library_id, video.guid])
    return f"{url}?{urlencode({'token': token, 'expires': expires})}" if token and expires else url


def iframe(src: str, width: int, height: int, title: str) -> str:
    return (
        f'<iframe src="{escape(src)}" width="{width}" height="{height}" title="{escape(title)}" loading="lazy" '
        'style="border:0;" allow="accelerometer;gyroscope;autoplay;encrypted-media;picture-in-picture;" '
        'allowfullscreen="true"></iframe>'
    )


def _positive(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 0 < int(value) < 100_000 else None


class OEmbedApi(PublicBunnyApiView):
    """GET /OEmbed?url=<embed or play URL>: the iframe that embeds the video, and its metadata."""

    @extend_schema(
        operation_id="OEmbed_GetOEmbed",
        parameters=[
            OpenApiParameter("url", str),
            OpenApiParameter("maxWidth", int),
            OpenApiParameter("maxHeight", int),
            *TOKEN_PARAMETERS,
        ],
        responses={200: VideoOEmbedModel, 400: StatusModel, 401: StatusModel, 404: StatusModel},
    )
    def get(self, request):
        params = request.query_params
        url = params.get("url") or ""
        found = EMBED_URL.search(urlsplit(url).path + "/") if url else None
        if found is None:
            return error(400, "url must be a video's embed URL: …/embed/{libraryId}/{videoId}")
        video = self.public_video(found.group(1), found.group(2))
        query = parse_qs(urlsplit(url).query)
        token = params.get("token") or next(iter(query.get("token", [])), None)
        expires = params.get("expires") or next(iter(query.get("expires", [])), None)
        signed = play_token_valid(video, token, expires)
        if not (signed or play_allowed(request, video)):
            return error(401, DENIED)
        width, height = embed_size(video, _positive(params.get("maxWidth")), _positive(params.get("maxHeight")))
        src = embed_url(video, token, expires) if signed else embed_url(video)
        thumbnail = video.thumbnail_file_name
        return Response(
            {
                "version": "1.0",
                "title": video.title,
                "type": "video",
                "thumbnailUrl": playback_url(video, thumbnail) if thumbnail else None,
                "width": width,
                "height": height,
                "html": iframe(src, width, height, video.title),
                "providerName": PROVIDER_NAME,
                "providerUrl": settings.PUBLIC_BASE_URL,
            }
        )

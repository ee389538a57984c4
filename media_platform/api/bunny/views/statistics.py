"""Statistics and heatmaps, from what players fetched."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from media_platform.selectors.statistics import video_heatmap, video_statistics

from ..base import BunnyApiView, is_uuid
from ..errors import error
from ..playback_serializers import VideoHeatmapModel, VideoStatisticsModel
from ..serializers import ERRORS, StatusModel


def _date(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time (UTC when it names no zone); None when absent or invalid,
    which bunny reads as "the last 30 days"."""
    if not value:
        return None
    try:
        parsed = parse_datetime(value) or (parse_datetime(value + "T00:00:00") if len(value) == 10 else None)
    except ValueError:
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class VideoStatisticsApi(BunnyApiView):
    @extend_schema(
        operation_id="Video_GetVideoStatistics",
        parameters=[
            OpenApiParameter("dateFrom", str),
            OpenApiParameter("dateTo", str),
            OpenApiParameter("hourly", bool),
            OpenApiParameter("videoGuid", str),
        ],
        responses={200: VideoStatisticsModel, 400: StatusModel, **ERRORS},
    )
    def get(self, request, library_id: int):
        params = request.query_params
        guid = params.get("videoGuid") or None
        if guid is not None and not is_uuid(guid):
            return error(400, "videoGuid must be a video id (a GUID)")
        video = self.get_video(guid) if guid else None
        stats = video_statistics(
            library=self.library,
            video=video,
            date_from=_date(params.get("dateFrom")),
            date_to=_date(params.get("dateTo")),
            hourly=params.get("hourly", "").lower() == "true",
        )
        return Response(
            {
                "viewsChart": stats.views_chart,
                "watchTimeChart": stats.watch_time_chart,
                # No address-to-country database ships with the platform: no country breakdown.
                "countryViewCounts": {},
                "countryWatchTime": {},
                "engagementScore": stats.engagement_score,
            }
        )


class VideoHeatmapApi(BunnyApiView):
    @extend_schema(operation_id="Video_GetVideoHeatmap", responses={200: VideoHeatmapModel, **ERRORS})
    def get(self, request, library_id: int, video_id: str):
        return Response({"heatmap": video_heatmap(video=self.get_video(video_id))})

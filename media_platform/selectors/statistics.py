"""Playback statistics and heatmaps, as folded from what players fetched (services.playback_stats)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Sum
from django.db.models.functions import TruncHour

from media_platform.models import Library, PlaybackHeatmap, PlaybackHour, Video

DEFAULT_DAYS = 30
MAX_INTERVALS = 24 * 400  # a range of more than ~400 days of hours is cut to its last part


@dataclass(frozen=True)
class Statistics:
    views_chart: dict[str, int]
    watch_time_chart: dict[str, int]
    engagement_score: int


def _floor(moment: datetime, hourly: bool) -> datetime:
    moment = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return moment if hourly else moment.replace(hour=0)


def statistics_range(date_from: datetime | None, date_to: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """As bunny reads dateFrom/dateTo: both missing (or the start after the end) → the last 30 days;
    a start alone → up to now."""
    if date_from is None or (date_to is not None and date_from > date_to):
        return now - timedelta(days=DEFAULT_DAYS), now
    return date_from, date_to or now


def _intervals(start: datetime, end: datetime, hourly: bool) -> list[datetime]:
    step = timedelta(hours=1) if hourly else timedelta(days=1)
    first, last = _floor(start, hourly), _floor(end, hourly)
    count = min(int((last - first) / step) + 1, MAX_INTERVALS)
    return [last - step * i for i in reversed(range(count))]


def _label(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def engagement(videos) -> int:
    """How much of a video the average view watched, 0–100, weighted by views."""
    views = sum(video.views for video in videos)
    if not views:
        return 0
    shares = sum(min(1.0, video.average_watch_time / video.length) * video.views for video in videos if video.length)
    return round(100 * shares / views)


def video_statistics(
    *,
    library: Library,
    video: Video | None,
    date_from: datetime | None,
    date_to: datetime | None,
    hourly: bool,
    now: datetime | None = None,
) -> Statistics:
    start, end = statistics_range(date_from, date_to, now or datetime.now(tz=UTC))
    rows = PlaybackHour.objects.filter(video__library=library, hour__gte=_floor(start, True), hour__lte=end)
    if video is not None:
        rows = rows.filter(video=video)
    slotted = rows.annotate(slot=TruncHour("hour", tzinfo=UTC)).values("slot")
    totals = slotted.annotate(v=Sum("views"), w=Sum("watch_seconds"))
    slots = _intervals(start, end, hourly)
    views = dict.fromkeys(map(_label, slots), 0)
    watch = dict.fromkeys(views, 0)
    for row in totals:
        label = _label(_floor(row["slot"], hourly))
        if label in views:
            views[label] += row["v"] or 0
            watch[label] += row["w"] or 0
    watched = (
        [video]
        if video is not None
        else Video.objects.filter(library=library, views__gt=0).only("views", "average_watch_time", "length")
    )
    return Statistics(views, watch, engagement(watched))


def video_heatmap(*, video: Video) -> dict[str, int]:
    """Segment index → share of the most-watched segment's sessions (0–100), for every segment of
    the video: 100 is the most watched, 0 never fetched. Empty until something was watched."""
    heatmap = PlaybackHeatmap.objects.filter(video=video).first()
    if heatmap is None:
        return {}
    counts = {int(k): int(v) for k, v in heatmap.segments.items()}
    peak = max(counts.values(), default=0)
    if not peak:
        return {}
    length = math.ceil(video.length / heatmap.segment_seconds) if heatmap.segment_seconds > 0 else 0
    last = max(length, max(counts) + 1)
    return {str(index): round(100 * counts.get(index, 0) / peak) for index in range(last)}

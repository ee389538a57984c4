"""Fold the playback counters that `playback.stats` keeps in Redis into the database.

Each video's counters are taken whole by renaming their hash to a batch key (new fetches start a
fresh hash meanwhile), added to the database in one transaction that also records the batch, and
deleted after commit. A fold that died half way leaves its batch key behind: the next fold finds
it, and the recorded batch keeps it from being added twice.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import django_rq
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from redis.exceptions import RedisError, ResponseError

from media_platform.models import PlaybackFold, PlaybackHeatmap, PlaybackHour, Video
from media_platform.playback.stats import DIRTY, SEGMENT_SECONDS, counters_key

log = logging.getLogger(__name__)
BATCH_PREFIX = "pb:fold:"
FOLDS_KEPT = timedelta(days=2)  # a batch key left behind is found by the next fold, minutes later


def _connection():
    return django_rq.get_connection("default")


def parse_counters(raw: dict) -> tuple[dict[int, list[int]], dict[int, int]]:
    """({hour epoch: [views, watch seconds]}, {segment index: sessions}) from the Redis hash."""
    hours: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    segments: dict[int, int] = defaultdict(int)
    for field, value in raw.items():
        kind, _, key = (field.decode() if isinstance(field, bytes) else field).partition(":")
        if not key.isdigit():
            continue
        count = int(value)
        if kind == "views":
            hours[int(key)][0] += count
        elif kind == "watch":
            hours[int(key)][1] += count
        elif kind == "seg":
            segments[int(key)] += count
    return dict(hours), dict(segments)


@transaction.atomic
def playback_batch_apply(*, batch: str, video_id: int, raw: dict) -> bool:
    """Add one batch of counters to the video's rows; False when it was added before."""
    _, created = PlaybackFold.objects.get_or_create(batch=batch)
    video = Video.objects.select_for_update().filter(pk=video_id).first()
    if not created or video is None:
        return False
    hours, segments = parse_counters(raw)
    views = sum(v for v, _ in hours.values())
    watched = sum(w for _, w in hours.values())
    for epoch, (hour_views, hour_watch) in hours.items():
        hour = datetime.fromtimestamp(epoch, tz=UTC)
        row, _ = PlaybackHour.objects.select_for_update().get_or_create(video=video, hour=hour)
        PlaybackHour.objects.filter(pk=row.pk).update(
            views=F("views") + hour_views, watch_seconds=F("watch_seconds") + hour_watch
        )
    if segments:
        heatmap, _ = PlaybackHeatmap.objects.select_for_update().get_or_create(
            video=video, defaults={"segment_seconds": SEGMENT_SECONDS}
        )
        merged = {int(k): v for k, v in heatmap.segments.items()}
        for index, count in segments.items():
            merged[index] = merged.get(index, 0) + count
        heatmap.segments = {str(k): merged[k] for k in sorted(merged)}
        heatmap.save(update_fields=["segments"])
    video.views += views
    video.total_watch_time += watched
    video.average_watch_time = video.total_watch_time // video.views if video.views else 0
    video.save(update_fields=["views", "total_watch_time", "average_watch_time", "updated_at"])
    return True


def _apply_batch(connection, batch: str) -> None:
    video_id = int(batch[len(BATCH_PREFIX) :].split(":", 1)[0])
    raw = connection.hgetall(batch)
    if raw:
        playback_batch_apply(batch=batch, video_id=video_id, raw=raw)
    connection.delete(batch)


def playback_stats_fold() -> int:
    """Fold every video's pending counters (and batches a failed fold left); returns batches folded."""
    connection = _connection()
    try:
        batches = [key.decode() for key in connection.scan_iter(match=f"{BATCH_PREFIX}*", count=500)]
        for member in connection.smembers(DIRTY):
            video_id = int(member)
            connection.srem(DIRTY, member)  # before the rename: a fetch after it marks the video again
            batch = f"{BATCH_PREFIX}{video_id}:{uuid.uuid4().hex}"
            try:
                connection.rename(counters_key(video_id), batch)
            except ResponseError:  # no counters (taken by a fold running beside this one)
                continue
            batches.append(batch)
        for batch in batches:
            _apply_batch(connection, batch)
    except RedisError as exc:
        log.warning("playback statistics not folded this time: %s", exc)
        return 0
    PlaybackFold.objects.filter(applied_at__lt=timezone.now() - FOLDS_KEPT).delete()
    return len(batches)

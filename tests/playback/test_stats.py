"""Views and watched positions counted on the playback path (Redis), folded into the database by the
periodic job exactly once, and read back through bunny's statistics and heatmap."""

from __future__ import annotations

import django_rq
import pytest

from media_platform.jobs.maintenance import fold_playback_stats
from media_platform.models import PlaybackFold, PlaybackHour, Video
from media_platform.playback.stats import counters_key
from media_platform.storage import save_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def video(library_keys) -> Video:
    """A published video of 12 s (three 4-s segments per rendition), its files in real storage."""
    video = Video.objects.create(library=library_keys.library, title="Stats", length=12)
    video.outputs_prefix, video.available_resolutions = f"videos/{video.guid}/p1", "240p,360p"
    video.save()
    save_bytes(f"{video.outputs_prefix}/playlist.m3u8", b"#EXTM3U\n")
    for rendition in ("240p", "360p"):
        for number in range(3):
            save_bytes(f"{video.outputs_prefix}/{rendition}/video{number}.ts", b"\x47" * 188)
    return video


def fetch(client, video, name, agent="viewer-a"):
    response = client.get(f"/{video.guid}/{name}", HTTP_USER_AGENT=agent)
    assert response.status_code == 200
    return response


def test_views_are_playback_starts_per_viewer_and_positions_are_segments(client, bunny, library_keys, video):
    # given viewer A starting twice and watching the first two segments (in two renditions), B the first
    fetch(client, video, "playlist.m3u8")
    fetch(client, video, "playlist.m3u8")
    for name in ("240p/video0.ts", "360p/video0.ts", "360p/video1.ts"):
        fetch(client, video, name)
    fetch(client, video, "playlist.m3u8", agent="viewer-b")
    fetch(client, video, "240p/video0.ts", agent="viewer-b")
    client.get(f"/{video.guid}/240p/video9.ts")  # a 404 counts nothing

    # when the periodic job folds the counters
    assert fold_playback_stats() == 1

    # then two views and 12 s watched (3 distinct segments of 4 s); the first segment is the hottest
    video.refresh_from_db()
    assert (video.views, video.total_watch_time, video.average_watch_time) == (2, 12, 6)
    heatmap = bunny.get(f"/library/{library_keys.id}/videos/{video.guid}/heatmap").json()
    assert heatmap == {"heatmap": {"0": 100, "1": 50, "2": 0}}
    stats = bunny.get(f"/library/{library_keys.id}/statistics", {"videoGuid": str(video.guid)}).json()
    assert set(stats) == {"viewsChart", "watchTimeChart", "countryViewCounts", "countryWatchTime", "engagementScore"}
    assert sum(stats["viewsChart"].values()) == 2 and sum(stats["watchTimeChart"].values()) == 12
    assert len(stats["viewsChart"]) == 31  # every day of the last 30, empty ones as zero
    assert stats["engagementScore"] == 50  # the average view watched 6 of 12 s
    hourly = bunny.get(f"/library/{library_keys.id}/statistics", {"hourly": "true"}).json()
    assert sum(hourly["viewsChart"].values()) == 2 and all(key.endswith(":00:00Z") for key in hourly["viewsChart"])


def test_folding_again_adds_nothing_and_a_batch_left_behind_is_added_once(client, video):
    fetch(client, video, "playlist.m3u8")
    fold_playback_stats()
    assert fold_playback_stats() == 0
    # a fold that died after taking the counters (renamed) but before adding them
    fetch(client, video, "playlist.m3u8", agent="viewer-c")
    redis = django_rq.get_connection("default")
    redis.rename(counters_key(video.pk), f"pb:fold:{video.pk}:dead")
    # and one that died after adding them, before deleting its batch
    fetch(client, video, "playlist.m3u8", agent="viewer-d")
    redis.rename(counters_key(video.pk), f"pb:fold:{video.pk}:done")
    PlaybackFold.objects.create(batch=f"pb:fold:{video.pk}:done")
    fold_playback_stats()
    video.refresh_from_db()
    assert video.views == 2  # the first view and viewer-c's; viewer-d's batch was in already
    assert not list(redis.scan_iter(match="pb:fold:*"))
    assert PlaybackHour.objects.get(video=video).views == 2


def test_statistics_read_a_date_range_and_refuse_a_bad_guid(client, bunny, library_keys, video):
    fetch(client, video, "playlist.m3u8")
    fold_playback_stats()
    base = f"/library/{library_keys.id}/statistics"
    old = bunny.get(base, {"dateFrom": "2020-01-01", "dateTo": "2020-01-03"}).json()
    assert old["viewsChart"] == {f"2020-01-0{d}T00:00:00Z": 0 for d in (1, 2, 3)}
    response = bunny.get(base, {"videoGuid": "nope"})
    assert response.status_code == 400 and response.json()["success"] is False
    assert bunny.get(f"/library/{library_keys.id}/videos/{video.guid}/heatmap").status_code == 200

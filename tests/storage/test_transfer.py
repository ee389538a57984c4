"""Outputs go to S3 in parallel, playlists last, with S3's refusals retried; both to the platform's
own S3 storage and to request-named locations, through a recording proxy in front of moto."""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

import pytest

from media_platform.storage import upload_tree
from media_platform.storage.s3 import S3Location
from media_platform.storage.s3 import upload_tree as upload_tree_s3
from media_platform.storage.transfer import publish_waves
from tests.support.s3 import KEY, REGION, SECRET, storage_settings
from tests.support.s3_proxy import start_s3_proxy


@pytest.mark.parametrize(
    "names, waves",
    [
        (["a.ts", "b.jpg"], [["a.ts", "b.jpg"]]),
        # segments, then WebVTT, then variant playlists, then the master that lists them
        (
            ["playlist.m3u8", "720p/video.m3u8", "720p/video0.ts", "subtitles/en.m3u8", "subtitles/en.vtt",
             "storyboard.vtt", "storyboard.jpg", "play_720p.mp4"],
            [["720p/video0.ts", "play_720p.mp4", "storyboard.jpg"], ["storyboard.vtt", "subtitles/en.vtt"],
             ["720p/video.m3u8", "subtitles/en.m3u8"], ["playlist.m3u8"]],
        ),
        # a job's own prefix: its master one folder down, its variants two
        (["hls/playlist.m3u8", "hls/a/v.m3u8", "hls/a/0.ts", "dash/playlist.mpd", "dash/chunk-0-00001.m4s"],
         [["dash/chunk-0-00001.m4s", "hls/a/0.ts"], ["hls/a/v.m3u8"], ["dash/playlist.mpd", "hls/playlist.m3u8"]]),
    ],
)  # fmt: skip
def test_publish_waves_put_every_file_before_the_playlists_that_name_it(names, waves):
    assert publish_waves(names) == waves


def make_tree(root: Path, segments: int = 30) -> dict[str, str]:
    """A small ladder's files; returns relative name → sha256."""
    files = {
        f"{rung}/video{n}.ts": bytes([n % 251]) * (20_000 + n) for rung in ("360p", "720p") for n in range(segments)
    }
    files |= {"360p/video.m3u8": b"#EXTM3U\n", "720p/video.m3u8": b"#EXTM3U\n", "playlist.m3u8": b"#EXTM3U\n"}
    files |= {"thumbnail.jpg": b"\xff\xd8" + b"j" * 5000, "storyboard.vtt": b"WEBVTT\n"}
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


@pytest.fixture
def proxy(s3_server):
    started = start_s3_proxy(s3_server.port)
    yield started
    started.stop()


@pytest.fixture
def through_proxy_storage(proxy, s3_server, settings):
    """The platform's own storage (django-storages) on a bucket reached through the proxy."""
    bucket = s3_server.bucket()
    settings.STORAGES = {**settings.STORAGES, "default": storage_settings(bucket, proxy.endpoint)}
    return bucket


def check_published(proxy, s3_server, bucket: str, prefix: str, expected: dict[str, str]) -> None:
    client = s3_server.client()
    for name, digest in expected.items():
        stored = client.get_object(Bucket=bucket, Key=f"{prefix}/{name}")
        assert hashlib.sha256(stored["Body"].read()).hexdigest() == digest, name
        if name.endswith(".m3u8"):
            assert stored["ContentType"] == "application/vnd.apple.mpegurl"
        if name.endswith(".ts"):
            assert stored["ContentType"] == "video/mp2t"
    puts = [call for call in proxy.puts() if call.status == 200]
    assert len(puts) == len(expected)  # each file once, however many refusals came first
    # then many went at once, and no playlist was started before every segment was stored
    assert proxy.most_in_flight > 4
    last_media = max(call.ended for call in puts if not call.path.endswith((".m3u8", ".vtt")))
    first_playlist = min(call.started for call in puts if call.path.endswith(".m3u8"))
    assert first_playlist > last_media
    master = next(call for call in puts if call.path.endswith("/playlist.m3u8"))
    assert all(master.started > call.ended for call in puts if call.path.endswith("/video.m3u8"))


@pytest.mark.django_db
def test_outputs_go_to_the_platforms_s3_storage_in_parallel_and_refusals_are_retried(
    tmp_path, proxy, s3_server, through_proxy_storage
):
    # given a tree of outputs and an S3 that answers every fifth PUT with 503 SlowDown
    expected = make_tree(tmp_path)
    proxy.fail_every = 5

    # when it is stored under a prefix
    written = upload_tree(tmp_path, "videos/v1/p1")

    # then every file is there, whole, named as the storage names it
    assert sorted(name for name, _ in written) == sorted(f"videos/v1/p1/{name}" for name in expected)
    assert sum(1 for call in proxy.calls if call.status == 503) >= 10
    check_published(proxy, s3_server, through_proxy_storage, "videos/v1/p1", expected)


@pytest.mark.django_db
def test_outputs_go_to_a_request_named_location_in_parallel_and_refusals_are_retried(
    tmp_path, proxy, s3_server, settings
):
    settings.SSRF_ALLOWLIST = ["127.0.0.1"]
    bucket = s3_server.bucket()
    expected = make_tree(tmp_path)
    proxy.fail_every = 5
    location = S3Location(bucket, "out/job-1", REGION, proxy.endpoint, KEY, SECRET)

    written = upload_tree_s3(tmp_path, location)

    assert sorted(key for key, _ in written) == sorted(f"out/job-1/{name}" for name in expected)
    assert sum(1 for call in proxy.calls if call.status == 503) >= 10
    check_published(proxy, s3_server, bucket, "out/job-1", expected)


@pytest.mark.django_db
def test_a_big_output_is_streamed_up_in_parts_not_read_whole(tmp_path, proxy, s3_server, through_proxy_storage):
    # given an output of 64 MiB
    (tmp_path / "play_1080p.mp4").write_bytes(b"\x00" * 64 * 1024**2)

    # when it is stored, with Python's allocations traced
    tracemalloc.start()
    try:
        upload_tree(tmp_path, "videos/v2/p1")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # then it went up in 16 MiB parts, and far less than the file was ever held in memory at once
    parts = [call for call in proxy.puts() if "partNumber=" in call.path]
    assert len(parts) == 4 and all(call.size <= 16 * 1024**2 + 64 * 1024 for call in parts)
    assert peak < 24 * 1024**2, peak
    head = s3_server.client().head_object(Bucket=through_proxy_storage, Key="videos/v2/p1/play_1080p.mp4")
    assert head["ContentLength"] == 64 * 1024**2 and head["ContentType"] == "video/mp4"

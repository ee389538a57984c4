"""Chunked encoding through the real pipeline: pieces on any worker, one stitched ladder that
plays like the unchunked one — every frame, the whole sound, no re-encoding at the joins."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.conf import settings

from media_platform.models import EncodingChunk, EncodingProcess, Video
from media_platform.storage import list_files
from tests.support.bunny import create_video, get_video, output_path, served, upload
from tests.support.media import decodes
from tests.support.workers import run_burst, subprocess_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers]


@pytest.fixture
def chunking(settings):
    settings.CHUNKED_ENCODING = True
    settings.CHUNK_MIN_DURATION = 6
    settings.CHUNK_SECONDS = 4
    return settings


def packets(path, stream: str) -> list[float]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", stream, "-show_entries", "packet=pts_time",
         "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return sorted(float(p["pts_time"]) for p in json.loads(out)["packets"] if p.get("pts_time") not in (None, "N/A"))


def test_a_long_upload_is_encoded_in_pieces_and_stitched(bunny, library_keys, clip, client, chunking):
    library_keys.library.mp4_fallback = True
    library_keys.library.save()
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("chunky.mp4", size="320x180", duration=12, rate=25))

    run_burst()

    video = get_video(bunny, library_keys.id, guid)
    assert video["status"] == 4 and video["encodeProgress"] == 100, video["transcodingMessages"]
    process = EncodingProcess.objects.get(video__guid=guid)
    chunks = list(EncodingChunk.objects.filter(process=process).order_by("index"))
    assert [(c.kind, c.start, c.end, c.status) for c in chunks] == [
        ("video", 0, 4, "FINISHED"), ("video", 4, 8, "FINISHED"), ("video", 8, 12, "FINISHED"),
        ("audio", 0, 12, "FINISHED"),
    ]  # fmt: skip
    master = served(client, guid, "playlist.m3u8").decode()
    assert "TYPE=AUDIO" in master and 'AUDIO="audio"' in master and "180p/video.m3u8" in master
    variant = output_path(guid, "180p/video.m3u8")
    assert decodes(output_path(guid, "playlist.m3u8"))  # no error at the joins, nothing corrupt
    times = packets(variant, "v:0")
    assert len(times) == 300  # every frame, once
    assert max(b - a for a, b in zip(times, times[1:], strict=False)) == pytest.approx(0.04, abs=0.002)
    fallback = output_path(guid, "play_180p.mp4")
    assert len(packets(fallback, "v:0")) == 300 and packets(fallback, "a:0")[-1] == pytest.approx(12.0, abs=0.1)
    shown = packets(fallback, "v:0")  # the pieces laid end to end: one frame every 40 ms, none twice
    assert len(set(shown)) == 300 and max(b - a for a, b in zip(shown, shown[1:], strict=False)) < 0.05
    storyboard = served(client, guid, "storyboard.vtt").decode()
    assert storyboard.count("#xywh=") == 6 and "00:00:10.000 --> 00:00:12.000" in storyboard  # one every 2 s
    assert served(client, guid, "preview.webp")[:4] == b"RIFF"
    assert served(client, guid, "thumbnail.jpg")[:2] == b"\xff\xd8"
    run_burst()  # the clean-up jobs
    assert list_files(f"chunks/{process.public_id}") == []


def test_pieces_are_taken_by_several_worker_processes(bunny, library_keys, clip, chunking):
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("shared.mp4", size="320x180", duration=16, rate=25))
    run_burst(["default"], max_jobs=1)  # the coordinator only: it cuts the source and queues the pieces
    env = {**subprocess_env(), "CHUNK_MIN_DURATION": "6", "CHUNK_SECONDS": "4"}
    command = [sys.executable, "manage.py", "rqworker", "default", "low", "--burst"]
    # One worker takes two pieces and stops; another, elsewhere, does the rest and the stitch.
    first = subprocess.run([*command, "--max-jobs", "2"], cwd=settings.BASE_DIR, env=env, timeout=300)
    second = subprocess.run(command, cwd=settings.BASE_DIR, env=env, timeout=300)
    assert (first.returncode, second.returncode) == (0, 0)
    video = Video.objects.get(guid=guid)
    assert video.status == 4, list(video.transcoding_messages.values_list("message", flat=True))
    names = {c.worker_name.split(":")[0] for c in EncodingChunk.objects.filter(process__video__guid=guid)}
    assert len(names) == 2, "both workers took pieces"


def test_an_unexpected_error_in_a_piece_fails_the_process_with_a_reason(
    bunny, library_keys, clip, chunking, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the piece")

    monkeypatch.setattr("media_platform.services.pipeline.chunked.pieces.run_piece", broken)
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("chunky-bug.mp4", size="320x180", duration=12, rate=25))

    run_burst()

    process = EncodingProcess.objects.get(video__guid=guid)
    assert process.status == "FAILED" and "a bug in the piece" in process.fail_message
    assert get_video(bunny, library_keys.id, guid)["status"] == 5
    assert not EncodingChunk.objects.filter(process=process, status="PROCESSING").exists()

"""The seed's two sample requests, run by a real worker against a real S3 server: the ladder at
output_path, the job as GET shows it, and the organization webhook on every status change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from media_platform.crypto import encrypt
from media_platform.webhooks.signing import body_signature
from tests.support.media import decodes, ffprobe
from tests.support.s3 import KEY, SECRET
from tests.support.workers import run_burst

from .conftest import METADATA, jobs_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers]


@pytest.fixture
def hooked(library_keys, receiver):
    library_keys.library.webhook_url = f"{receiver.url}/hook"
    library_keys.library.save()
    return receiver


def master_variants(text: str) -> list[str]:
    lines = text.splitlines()
    return [lines[i + 1] for i, line in enumerate(lines) if line.startswith("#EXT-X-STREAM-INF")]


def check_ladder(s3, bucket: str, prefix: str, expected: list[str], folder: Path) -> None:
    """Master lists exactly `expected`; every variant's segments are in S3 and decode; a thumbnail."""
    keys = s3.keys(bucket, f"{prefix}/")
    for key in keys:
        target = folder / key
        target.parent.mkdir(parents=True, exist_ok=True)
        s3.client().download_file(bucket, key, str(target))
    root = folder / prefix
    variants = master_variants((root / "playlist.m3u8").read_text())
    assert sorted(variants) == sorted(f"{name}/video.m3u8" for name in expected)
    for name in expected:
        segments = [k for k in keys if k.startswith(f"{prefix}/{name}/") and k.endswith(".ts")]
        assert segments, keys
        assert decodes(root / name / "video.m3u8"), name
    relative = [key[len(prefix) + 1 :] for key in keys]
    assert {path.split("/")[0] for path in relative if "/" in path} == set(expected), keys
    assert ffprobe(root / "thumbnail.jpg")["streams"][0]["codec_name"] == "mjpeg"


def webhooks(receiver, count: int) -> list[dict]:
    received = receiver.wait_for(count)
    assert [r.path for r in received] == ["/hook"] * count
    return [json.loads(r.body) for r in received]


def assert_no_credentials(*texts: str) -> None:
    for text in texts:
        assert KEY not in text and SECRET not in text


def test_seed_sample_1_external_video_url(tp, library_keys, buckets, clip, hooked, s3, tmp_path):
    # given the seed's first payload, its video served over http and its output in S3
    hooked.files["/input-video.mp4"] = clip("tp-url.mp4", size="640x360", duration=3)
    body = {
        "input_url": f"{hooked.url}/input-video.mp4",
        "output_path": buckets.output_path("path"),
        "resolutions": ["240p", "480p"],
        "client_metadata": {"client_id": "12345", "project": "marketing_campaign_2024"},
    }
    created = tp.post(jobs_url(library_keys.id), body, format="json")
    assert created.status_code == 201, created.content
    job = created.json()
    assert (job["status"], job["input_url"], job["client_metadata"]) == ("Queued", body["input_url"], METADATA)
    assert "input_path" not in job

    # when a worker runs it
    run_burst()

    # then the ladder the source allows (480p would upscale a 360-line source) is at output_path
    check_ladder(s3, buckets.output, "path", ["240p"], tmp_path)
    done = tp.get(f"{jobs_url(library_keys.id)}{job['id']}/")
    final = done.json()
    assert final["status"] == "completed" and final["error_message"] is None
    assert final["video_duration"] == 3 and final["client_metadata"] == METADATA
    assert final["start_time"].endswith("Z") and final["end_time"] >= final["start_time"]
    assert final["resolutions"] == ["240p", "480p"]  # as requested, as the service echoes them

    # and the organization webhook got the job at every status change, in order, once each
    run_burst()
    payloads = webhooks(hooked, 3)
    assert [p["status"] for p in payloads] == ["Queued", "transcoding", "completed"]
    assert payloads[0] == job and payloads[2] == final
    # sent as the worker takes the job, before the probe: as in the seed's example, no duration yet
    assert payloads[1]["start_time"] and payloads[1]["end_time"] is None and payloads[1]["video_duration"] is None
    assert all(list(p) == list(job) for p in payloads)
    first = hooked.received[0]
    assert "X-Streams-Token" not in first.headers  # the default secret is the read-only key: never sent in clear
    assert first.headers["X-BunnyStream-Signature"] == body_signature(library_keys.read_only_key, first.body)
    assert len(hooked.received) == 3
    bodies = [created.content, done.content, *(r.body for r in hooked.received)]
    assert_no_credentials(*(body.decode() for body in bodies))


def test_seed_sample_2_direct_s3_bucket_path(tp, library_keys, buckets, s3_input, hooked, s3, tmp_path):
    library_keys.library.webhook_secret_encrypted = encrypt("organization-secret-token")
    library_keys.library.save()
    body = {
        "input_path": buckets.input_path("video.mp4"),  # the seed's trailing slash after the object key
        "output_path": buckets.output_path("path"),
        "resolutions": ["240p", "480p"],
        "client_metadata": {"client_id": "12345", "project": "marketing_campaign_2024"},
    }
    assert body["input_path"].startswith(f"s3://{buckets.input}/video.mp4/?access_key=")
    created = tp.post(jobs_url(library_keys.id), body, format="json")
    assert created.status_code == 201, created.content
    job = created.json()
    assert job["input_url"] == job["input_path"] and "access_key=****-key" in job["input_path"]

    run_burst()

    check_ladder(s3, buckets.output, "path", ["240p"], tmp_path)
    listed = tp.get(jobs_url(library_keys.id))
    page = listed.json()
    assert page["count"] == 1 and page["results"][0]["status"] == "completed"
    assert page["results"][0]["client_metadata"] == METADATA
    payloads = webhooks(hooked, 3)
    assert [p["status"] for p in payloads] == ["Queued", "transcoding", "completed"]
    assert payloads[-1] == page["results"][0]
    assert {r.headers["X-Streams-Token"] for r in hooked.received} == {"organization-secret-token"}
    bodies = [created.content, listed.content, *(r.body for r in hooked.received)]
    assert_no_credentials(*(body.decode() for body in bodies))


def test_the_ladder_keeps_every_requested_rung_the_source_allows(tp, library_keys, buckets, s3_input, s3, tmp_path):
    body = {
        "input_path": buckets.input_path(),
        "output_path": buckets.output_path("jobs/ladder"),
        "resolutions": ["720p", "240p", "360p"],
    }
    job = tp.post(jobs_url(library_keys.id), body, format="json").json()
    run_burst()
    assert tp.get(f"{jobs_url(library_keys.id)}{job['id']}/").json()["status"] == "completed"
    check_ladder(s3, buckets.output, "jobs/ladder", ["240p", "360p"], tmp_path)
    master = (tmp_path / "jobs/ladder/playlist.m3u8").read_text()
    assert "RESOLUTION=640x360" in master and "RESOLUTION=426x240" in master


def test_a_source_that_cannot_be_fetched_ends_in_error(tp, library_keys, buckets, hooked, s3):
    body = {
        "input_url": f"{hooked.url}/missing.mp4",
        "output_path": buckets.output_path("path"),
        "resolutions": ["240p"],
        "client_metadata": METADATA,
    }
    job = tp.post(jobs_url(library_keys.id), body, format="json").json()
    run_burst()
    failed = tp.get(f"{jobs_url(library_keys.id)}{job['id']}/").json()
    assert failed["status"] == "error" and "404" in failed["error_message"]
    assert failed["end_time"] and failed["video_duration"] is None
    payloads = webhooks(hooked, 3)
    assert [p["status"] for p in payloads] == ["Queued", "transcoding", "error"]
    assert payloads[-1] == failed
    assert s3.keys(buckets.output) == []

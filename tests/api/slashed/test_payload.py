"""The callback body's pure parts against the reference's own numbers (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from media_platform.api.slashed.payloads import (
    JobFacts,
    OutputFacts,
    codec_name,
    cost,
    job_cost,
    job_multipliers,
    source_body,
    status_payload,
    timestamp,
)

from . import seed


def test_cost_reproduces_the_references_example():
    assert cost(15.233333, 1.0) == seed.CALLBACK["cost"]


def test_a_jobs_cost_lists_its_multipliers_in_the_references_order():
    output = OutputFacts(file_name="/a.mp4", duration=10.0)
    job = JobFacts("id", 0, "mp4", "FINISHED", None, None, None, None, job_multipliers("h265", "premium"), output)
    body = job_cost(job)
    assert list(body) == list(seed.CALLBACK["jobs"][0]["cost"])
    assert body["multipliers"] == [1.5, 1.5] and body["total_multiplier"] == 2.25
    assert body["billed_credits_per_second"] == 0.045 and body["credits"] == 0.45


@pytest.mark.parametrize(
    "name, shown", [("h264", "H264"), ("hevc", "H265"), ("av1", "AV1"), ("aac", "AAC"), ("opus", "OPUS"), ("", None)]
)
def test_codec_names_are_the_services(name, shown):
    assert codec_name(name) == shown


def test_times_are_utc_without_a_zone():
    moment = datetime(2024, 4, 1, 18, 27, 48, 999, tzinfo=timezone(timedelta(hours=2)))
    assert timestamp(moment) == "2024-04-01 16:27:48" and timestamp(None) is None
    assert timestamp(datetime(2024, 1, 1, 8, tzinfo=UTC)) == "2024-01-01 08:00:00"


def test_status_bodies():
    now = datetime(2024, 1, 1, 8, tzinfo=UTC)
    assert status_payload("FINISHED", now, "") == {"status": "FINISHED", "updated_at": "2024-01-01 08:00:00"}
    assert status_payload("CANCELLED", now, "")["fail_message"] == "Cancelled"
    assert status_payload("FAILED", now, "Invalid video format")["fail_message"] == "Invalid video format"


def test_a_rotated_phone_video_is_portrait():
    info = {
        "duration": 15.233333,
        "size": 26099197,
        "bit_rate": 13706361,
        "video": {"codec": "h264", "width": 1920, "height": 1080, "rotation": 90, "avg_fps": 30.0},
        "audio": [{"codec": "aac", "duration": 15.231995}],
    }
    body = source_body("/slashed/sources/518101_0.mp4", info)
    expected = {k: v for k, v in seed.CALLBACK["source"].items() if k not in ("file_md5", "file_sha1")}
    assert {k: v for k, v in body.items() if k not in ("file_md5", "file_sha1")} == expected


def test_the_source_is_reported_at_its_display_size():
    """One rule for width × height: non-square pixels and rotation applied, as the renditions are made."""
    info = {"video": {"codec": "dvvideo", "width": 720, "height": 576, "sample_aspect_ratio": "16:15", "fps": 25.0}}

    body = source_body("tape.dv", info)

    assert (body["width"], body["height"], body["is_portrait"]) == (768, 576, False)
    assert source_body("none.mp4", {"video": {}})["width"] is None


def test_the_source_frame_rate_is_its_real_rate():
    video = {
        "codec": "h264",
        "width": 320,
        "height": 180,
        "fps": 24.0,
        "avg_fps": 24.355,
        "frames": 48,
        "duration": 1.971,
    }

    assert source_body("short.mp4", {"video": video})["fps"] == 24.0

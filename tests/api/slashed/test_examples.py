"""The reference's own example requests, sent as they are, each producing every output it asks for."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.support.media import decodes, ffprobe
from tests.support.workers import run_burst

from . import seed
from .conftest import send, stored

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers]


def run(slashed, body: dict) -> tuple[str, dict]:
    response = send(slashed, body)
    assert response.status_code == 200, response.json()
    process_id = response.json()["process_id"]
    run_burst()
    detail = slashed.get(f"/status/detailed/{process_id}").json()
    assert detail["status"] == "FINISHED", slashed.get(f"/status/{process_id}").json()
    return process_id, detail


def streams(path) -> dict[str, dict]:
    data = ffprobe(path)
    assert len(data["streams"]) == len({s["codec_type"] for s in data["streams"]}), "one stream of each kind"
    return {s["codec_type"]: s | {"format_duration": float(data["format"]["duration"])} for s in data["streams"]}


def image(path) -> tuple[str, int, int]:
    stream = ffprobe(path)["streams"][0]
    return stream["codec_name"], stream["width"], stream["height"]


def vtt_cues(text: str) -> list[tuple[str, str]]:
    return re.findall(r"^(\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3})\n(.+)$", text, re.M)


def test_the_reference_encode_request(slashed, library_keys, store, clip):
    store("sources/my_4k_source.mp4", clip("slashed-360.mp4", size="640x360", duration=2))
    _, detail = run(slashed, seed.request(library_keys.id))
    path = stored(library_keys.id, "encoded_av1_1080p.mp4")
    found = streams(path)
    assert set(found) == {"video", "audio"}
    assert (found["video"]["codec_name"], found["video"]["width"], found["video"]["height"]) == ("av1", 480, 270)
    assert found["audio"]["codec_name"] == "aac"
    assert found["video"]["format_duration"] == pytest.approx(2.0, abs=0.1)
    assert decodes(path)
    job = detail["jobs"][0]
    assert (job["type"], job["status"], job["video_codec"], job["audio_codec"]) == ("ENCODE", "FINISHED", "AV1", "AAC")
    assert (job["width"], job["height"], job["file_name"], job["extension"]) == (
        480,
        270,
        "/encoded_av1_1080p.mp4",
        "mp4",
    )
    assert job["file_size"] == path.stat().st_size and len(job["file_md5"]) == 32 and len(job["file_sha1"]) == 40


def test_every_job_example_produces_its_outputs(slashed, library_keys, store, clip):
    store("sources/my_4k_source.mp4", clip("slashed-180-6s.mp4", size="320x180", duration=6, rate=15))
    jobs = [seed.ENCODE, seed.PREVIEW_CLIP, seed.STORYBOARD, seed.SCREENSHOTS, seed.SCREENSHOT]
    _, detail = run(slashed, seed.request(library_keys.id, *jobs))

    encoded = streams(stored(library_keys.id, "encoded_av1_1080p.mp4"))
    assert set(encoded) == {"video", "audio"} and encoded["audio"]["codec_name"] == "aac"
    assert (encoded["video"]["codec_name"], encoded["video"]["width"], encoded["video"]["height"]) == ("av1", 320, 180)
    assert encoded["video"]["format_duration"] == pytest.approx(6.0, abs=0.1)

    preview = streams(stored(library_keys.id, "mydirectory/preview1.mp4"))
    assert set(preview) == {"video", "audio"} and preview["video"]["codec_name"] == "h264"
    assert float(preview["video"]["duration"]) == pytest.approx(5.0, abs=0.3)  # five one-second snippets
    assert decodes(stored(library_keys.id, "mydirectory/preview1.mp4"))

    folder = stored(library_keys.id, "mydirectory/storyboard1")
    assert image(folder / "storyboard.jpg") == ("mjpeg", 160, 90)  # one frame every 10 s: one tile
    assert vtt_cues((folder / "vtt.vtt").read_text()) == [
        ("00:00:00.000 --> 00:00:06.000", "storyboard.jpg#xywh=0,0,160,90")
    ]

    shots = stored(library_keys.id, "mydirectory/original")
    assert sorted(p.name for p in shots.iterdir()) == ["test.jpg"] + [f"test_{n}.jpg" for n in range(1, 6)]
    assert all(image(path) == ("mjpeg", 320, 180) for path in shots.iterdir())

    assert [(j["index"], j["type"], j["status"]) for j in detail["jobs"]] == [
        (0, "ENCODE", "FINISHED"),
        (1, "PREVIEW_CLIP", "FINISHED"),
        (2, "STORYBOARD", "FINISHED"),
        (3, "SCREENSHOTS", "FINISHED"),
        (4, "SCREENSHOTS", "FINISHED"),
    ]
    names = [j["file_name"] for j in detail["jobs"]]
    assert names == [
        "/encoded_av1_1080p.mp4",
        "/mydirectory/preview1.mp4",
        "/mydirectory/storyboard1/storyboard.jpg",
        "/mydirectory/original/test_%d.jpg",
        "/mydirectory/original/test.jpg",
    ]
    assert detail["jobs"][3]["file_size"] == sum(p.stat().st_size for p in shots.glob("test_*.jpg"))


def test_snippets_and_storyboard_tiles_follow_the_request(slashed, library_keys, store, clip):
    store("in/clip.mp4", clip("slashed-360-3s.mp4", size="640x360", duration=3))
    jobs = [
        {**seed.PREVIEW_CLIP, "num_snippets": 2, "snippet_duration": 0.5},
        {**seed.STORYBOARD, "interval": 1, "sprite_columns": 2},
    ]
    run(slashed, seed.request(library_keys.id, *jobs, source="in/clip.mp4"))
    preview = streams(stored(library_keys.id, "mydirectory/preview1.mp4"))
    assert preview["video"]["format_duration"] == pytest.approx(1.0, abs=0.15)
    folder = stored(library_keys.id, "mydirectory/storyboard1")
    assert image(folder / "storyboard.jpg") == ("mjpeg", 320, 180)  # 3 tiles: 2 columns, 2 rows
    assert [cue[1] for cue in vtt_cues((folder / "vtt.vtt").read_text())] == [
        "storyboard.jpg#xywh=0,0,160,90",
        "storyboard.jpg#xywh=160,0,160,90",
        "storyboard.jpg#xywh=0,90,160,90",
    ]


def test_the_trim_example_cuts_fifteen_seconds_from_twenty(slashed, library_keys, store, clip):
    store("long.mp4", clip("slashed-long.mp4", size="160x90", duration=36, rate=10))
    job = seed.with_transformations({**seed.ENCODE, "video_codec": "h264", "destination": "trimmed.mp4"}, seed.TRIM)
    _, detail = run(slashed, seed.request(library_keys.id, job, source="long.mp4"))
    found = streams(stored(library_keys.id, "trimmed.mp4"))
    assert set(found) == {"video", "audio"} and found["video"]["codec_name"] == "h264"
    assert found["video"]["format_duration"] == pytest.approx(15.0, abs=0.2)
    assert detail["jobs"][0]["duration"] == pytest.approx(15.0, abs=0.2)
    assert detail["cost"]["encoded_seconds"] == pytest.approx(15.0, abs=0.2)


def centre_pixel(path) -> tuple[int, int, int]:
    command = ["ffmpeg", "-v", "error", "-i", str(path), "-vf", "crop=2:2:(iw/2):(ih/2)", "-frames:v", "1"]
    raw = subprocess.run([*command, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True)
    return raw.stdout[0], raw.stdout[1], raw.stdout[2]


def test_the_crop_and_watermark_examples(slashed, library_keys, store, clip, mark_png):
    store("sources/my_4k_source.mp4", clip("slashed-540.mp4", size="960x540", duration=1))
    store("source/watermark.png", mark_png)
    h264 = {**seed.ENCODE, "video_codec": "h264", "quality": "standard"}
    jobs = [
        seed.with_transformations({**h264, "destination": "cropped.mp4"}, seed.CROP),
        seed.with_transformations({**h264, "destination": "marked.mp4"}, seed.WATERMARK),
        seed.with_transformations({**h264, "destination": "plain.mp4"}),
    ]
    run(slashed, seed.request(library_keys.id, *jobs))
    cropped = streams(stored(library_keys.id, "cropped.mp4"))["video"]
    assert (cropped["width"], cropped["height"]) == (750, 500)
    marked = streams(stored(library_keys.id, "marked.mp4"))["video"]
    assert (marked["width"], marked["height"]) == (960, 540)
    red, green, blue = centre_pixel(stored(library_keys.id, "marked.mp4"))
    assert red > 200 and green < 60 and blue < 60, (red, green, blue)
    assert centre_pixel(stored(library_keys.id, "plain.mp4")) != (red, green, blue)


def test_h265_at_a_chosen_frame_rate(slashed, library_keys, store, clip):
    store("in.mp4", clip("slashed-360.mp4", size="640x360", duration=2))
    job = {**seed.ENCODE, "video_codec": "h265", "quality": "optimal", "fps": 12.5, "destination": "out/h265.mp4"}
    _, detail = run(slashed, seed.request(library_keys.id, job, source="in.mp4"))
    video = streams(stored(library_keys.id, "out/h265.mp4"))["video"]
    assert (video["codec_name"], video["codec_tag_string"], video["avg_frame_rate"]) == ("hevc", "hvc1", "25/2")
    job = detail["jobs"][0]
    assert (job["video_codec"], job["fps"]) == ("H265", 12.5)
    assert job["cost"]["multipliers"] == [1.5, 1.25] and job["cost"]["total_multiplier"] == 1.875


def test_a_storyboard_of_a_source_shorter_than_half_its_interval(slashed, library_keys, store, clip):
    store("short.mp4", clip("slashed-360.mp4", size="640x360", duration=2))
    run(slashed, seed.request(library_keys.id, seed.STORYBOARD, source="short.mp4"))
    assert image(stored(library_keys.id, "mydirectory/storyboard1/storyboard.jpg")) == ("mjpeg", 160, 90)


def test_a_trim_past_the_end_of_the_source_fails_with_a_reason(slashed, library_keys, store, clip):
    store("short.mp4", clip("slashed-360.mp4", size="640x360", duration=2))
    job = seed.with_transformations({**seed.ENCODE, "video_codec": "h264"}, seed.TRIM)
    process_id = send(slashed, seed.request(library_keys.id, job, source="short.mp4")).json()["process_id"]
    run_burst()
    body = slashed.get(f"/status/{process_id}").json()
    assert body["status"] == "FAILED" and "past the end" in body["fail_message"]

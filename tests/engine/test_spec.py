"""spec: every job and transformation survives the JSON round trip a worker depends on."""

from __future__ import annotations

import json

import pytest

from media_platform.engine.ladder import build_ladder
from media_platform.engine.spec import (
    JOB_KINDS,
    TRANSFORMATIONS,
    AnimationJob,
    AspectRatio,
    AudioJob,
    AudioSettings,
    Cenc,
    Crop,
    DashJob,
    Deinterlace,
    Encryption,
    FrameRate,
    HlsJob,
    Mp4Job,
    PreviewClipJob,
    Rendition,
    Resize,
    Rotate,
    ScreenshotsJob,
    SpeechToTextJob,
    StoryboardJob,
    ThumbnailJob,
    Trim,
    VideoSettings,
    Watermark,
    job_from_json,
    to_json,
    transformation_from_json,
)

from .conftest import source_info

EVERY_TRANSFORMATION = (
    Resize(width="50%", upscale=True),
    Trim(start_time=1.5, duration=2.0),
    Crop(width="100", height="50h", gravity="northwest", xoffset="10", yoffset="5%"),
    Watermark("/tmp/mark.png", width="10%", gravity="southeast", opacity=0.5),
    Deinterlace(),
    Rotate(degrees=90),
    AspectRatio("4:3", "crop"),
    FrameRate(24.0),
)

JOBS = [
    HlsJob(
        renditions=tuple(build_ladder(source_info("h264_aac").video)),
        mp4_fallback=("240p", "360p"),
        separate_audio=True,
        transformations=EVERY_TRANSFORMATION,
        prefix="hls",
    ),
    Mp4Job(
        rendition=Rendition(
            "720p",
            height=720,
            video=VideoSettings(codec="h265", bitrate_kbps=2000, fps=30.0),
            audio=AudioSettings(codec="opus", mute=True),
            upscale=True,
        ),
        filename="x.mp4",
        allow_soft_fail=True,
    ),
    ThumbnailJob(time=3.0, width=320),
    AnimationJob(filename="p.gif", frame_count=None, fps=5.0),
    StoryboardJob(interval=2.0, columns=5, tile_width=120),
    ScreenshotsJob(quantity=4, filename="s%d.jpg"),
    PreviewClipJob(num_snippets=3, snippet_duration=0.5, video_codec="av1"),
    AudioJob(audio=AudioSettings(codec="opus", bitrate_kbps=96), segment_duration=6.0, filename=None),
    DashJob(
        renditions=(Rendition(name="360p", height=360),),
        hls_playlist=True,
        cenc=Cenc(key="00" * 16, key_id="11" * 16, pssh="cHNzaA==", la_url="https://lic.example"),
    ),
    HlsJob(renditions=(Rendition(name="240p", height=240),), encryption=Encryption(key="22" * 16, key_url="https://k")),
    SpeechToTextJob(prefix="f6", json_file=None, mode="fast", language="en", hls_master="playlist.m3u8"),
]


def test_every_kind_is_covered():
    assert {type(job) for job in JOBS} == set(JOB_KINDS.values())
    assert {type(t) for t in EVERY_TRANSFORMATION} == set(TRANSFORMATIONS.values())


@pytest.mark.parametrize("job", JOBS, ids=lambda job: job.kind)
def test_job_round_trip_through_json_text(job):
    data = json.loads(json.dumps(to_json(job)))

    assert job_from_json(data) == job


def test_missing_fields_take_their_defaults():
    assert job_from_json({"kind": "hls"}) == HlsJob()
    assert job_from_json({"kind": "mp4", "rendition": {"name": "x"}}) == Mp4Job(rendition=Rendition("x"))
    assert transformation_from_json({"type": "trim"}) == Trim()


def test_unknown_keys_are_ignored():
    assert job_from_json({"kind": "thumbnail", "time": 1.0, "future_field": 3}) == ThumbnailJob(time=1.0)
    assert transformation_from_json({"type": "rotate", "degrees": 180, "extra": 1}) == Rotate(180)


def test_unknown_kind_is_refused():
    with pytest.raises(KeyError):
        job_from_json({"kind": "teletext"})
    with pytest.raises(KeyError):
        transformation_from_json({"type": "blur"})

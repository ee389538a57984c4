"""What a source becomes: ladders that respect it, and clear errors for what cannot be encoded."""

from __future__ import annotations

import re

import pytest

from media_platform.engine.hls import parse_segments
from tests.support.bunny import create_video, get_video, output_path, served, upload, upload_bytes
from tests.support.media import decodes, ffprobe
from tests.support.workers import run_burst

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers]


def encode(bunny, library_id, path):
    guid = create_video(bunny, library_id)
    upload(bunny, library_id, guid, path)
    run_burst()
    return guid, get_video(bunny, library_id, guid)


def variant_sizes(master: str) -> dict[str, tuple[int, int]]:
    found = re.findall(r"RESOLUTION=(\d+)x(\d+).*\n(\w+)/video\.m3u8", master)
    return {name: (int(w), int(h)) for w, h, name in found}


def test_1080p_source_gets_the_full_ladder_and_every_variant_decodes(bunny, library_keys, clip, client):
    guid, video = encode(bunny, library_keys.id, clip("1080.mp4", size="1920x1080", duration=2, rate=30))
    assert video["status"] == 4 and video["encodeProgress"] == 100
    assert video["availableResolutions"] == "240p,360p,480p,720p,1080p"
    assert (video["width"], video["height"], video["length"], video["framerate"]) == (1920, 1080, 2, 30)
    master = served(client, guid, "playlist.m3u8").decode()
    assert variant_sizes(master) == {
        "1080p": (1920, 1080), "720p": (1280, 720), "480p": (854, 480), "360p": (640, 360), "240p": (426, 240)
    }  # fmt: skip
    for name in variant_sizes(master):
        assert decodes(output_path(guid, f"{name}/video.m3u8")), name
        segments = parse_segments(served(client, guid, f"{name}/video.m3u8").decode())
        assert sum(s.duration for s in segments) == pytest.approx(2.0, abs=0.1)


def test_720p_source_gets_no_1080p(bunny, library_keys, clip):
    _, video = encode(bunny, library_keys.id, clip("720.mp4", size="1280x720", duration=1))
    assert video["availableResolutions"] == "240p,360p,480p,720p"


def test_portrait_phone_video_gets_portrait_renditions(bunny, library_keys, clip, media_dir, client):
    landscape = clip("phone-raw.mp4", size="640x360", duration=1)
    rotated = media_dir / "phone.mp4"
    if not rotated.exists():
        import subprocess

        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-i",
                str(landscape),
                "-c",
                "copy",
                "-metadata:s:v:0",
                "rotate=90",
                str(rotated),
            ],
            check=True,
        )
    guid, video = encode(bunny, library_keys.id, rotated)
    assert video["status"] == 4
    assert (video["width"], video["height"], video["rotation"]) == (360, 640, 90)
    sizes = variant_sizes(served(client, guid, "playlist.m3u8").decode())
    assert sizes == {"360p": (360, 640), "240p": (240, 426)}
    stream = ffprobe(output_path(guid, "360p/video0.ts"))["streams"][0]
    assert (stream["width"], stream["height"]) == (360, 640)


def test_odd_dimensions_still_encode_with_even_ones(bunny, library_keys, clip, client):
    guid, video = encode(
        bunny, library_keys.id, clip("odd.mp4", size="853x479", duration=1, extra=["-pix_fmt", "yuv444p"])
    )
    assert video["status"] == 4, video["transcodingMessages"]
    for width, height in variant_sizes(served(client, guid, "playlist.m3u8").decode()).values():
        assert width % 2 == 0 and height % 2 == 0


def test_mp4_fallbacks_are_written_and_served_with_ranges(bunny, library_keys, clip, client):
    library_keys.library.mp4_fallback = True
    library_keys.library.save()
    guid, video = encode(bunny, library_keys.id, clip("fallback.mp4", size="640x360", duration=1))
    assert video["hasMP4Fallback"] is True
    full = served(client, guid, "play_360p.mp4")
    assert ffprobe(output_path(guid, "play_360p.mp4"))["format"]["format_name"].startswith("mov")
    partial = client.get(f"/{guid}/play_360p.mp4", HTTP_RANGE="bytes=0-99")
    assert partial.status_code == 206 and partial["Content-Range"] == f"bytes 0-99/{len(full)}"
    assert b"".join(partial.streaming_content) == full[:100]


def test_thumbnail_preview_and_storyboard_are_produced(bunny, library_keys, clip, client):
    guid, video = encode(bunny, library_keys.id, clip("extras.mp4", size="640x360", duration=3))
    assert video["thumbnailFileName"] == "thumbnail.jpg" and video["thumbnailCount"] == 1
    assert served(client, guid, "thumbnail.jpg")[:2] == b"\xff\xd8"
    preview = served(client, guid, "preview.webp")
    assert preview[:4] == b"RIFF" and b"ANIM" in preview[:64]
    vtt = served(client, guid, "storyboard.vtt").decode()
    assert vtt.startswith("WEBVTT") and "storyboard.jpg#xywh=" in vtt
    assert served(client, guid, "storyboard.jpg")[:2] == b"\xff\xd8"


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("text", b"this is not a video, just some text\n" * 20, 7),
        ("empty", b"", 7),
    ],
)
@pytest.mark.ffmpeg
def test_unreadable_files_end_in_error_with_a_message(bunny, library_keys, name, content, code):
    guid = create_video(bunny, library_keys.id, name)
    assert upload_bytes(bunny, library_keys.id, guid, content).status_code == 200
    run_burst()
    video = get_video(bunny, library_keys.id, guid)
    assert video["status"] == 5
    assert [(m["level"], m["issueCode"]) for m in video["transcodingMessages"]] == [(3, code)]
    assert video["transcodingMessages"][0]["message"]


def test_truncated_mp4_ends_in_error_and_the_worker_takes_the_next_job(bunny, library_keys, clip):
    whole = clip("whole.mp4", size="320x180", duration=2).read_bytes()
    bad = create_video(bunny, library_keys.id, "truncated")
    upload_bytes(bunny, library_keys.id, bad, whole[: len(whole) // 2])
    good = create_video(bunny, library_keys.id, "good")
    upload(bunny, library_keys.id, good, clip("next.mp4", size="320x180", duration=1))
    run_burst()
    broken = get_video(bunny, library_keys.id, bad)
    assert broken["status"] == 5 and broken["transcodingMessages"][-1]["issueCode"] == 7
    assert (
        "truncated" in broken["transcodingMessages"][-1]["message"]
        or "read" in broken["transcodingMessages"][-1]["message"]
    )
    assert get_video(bunny, library_keys.id, good)["status"] == 4


def test_audio_only_file_is_incompatible_resolution(bunny, library_keys, clip):
    guid, video = encode(bunny, library_keys.id, clip("audio.m4a", video=False, duration=1))
    assert video["status"] == 5
    assert video["transcodingMessages"][0]["issueCode"] == 3
    assert "audio only" in video["transcodingMessages"][0]["message"]


def test_audio_and_video_of_different_lengths_warn_stream_lengths_difference(bunny, library_keys, clip):
    # 3 s of picture, 1 s of sound
    source = clip("gap.mp4", duration=3, extra=["-map", "0:v", "-map", "1:a", "-t", "3"])
    import subprocess

    short_audio = source.with_name("gap-short-audio.mp4")
    if not short_audio.exists():
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-i", str(source), "-map", "0:v", "-map", "0:a", "-c:v", "copy",
             "-af", "atrim=duration=1", "-c:a", "aac", str(short_audio)],
            check=True,
        )  # fmt: skip
    _, video = encode(bunny, library_keys.id, short_audio)
    assert video["status"] == 4
    codes = {(m["level"], m["issueCode"]) for m in video["transcodingMessages"]}
    assert (2, 1) in codes

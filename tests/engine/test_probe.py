"""probe: recorded ffprobe JSON (fixtures/record.py made it from lavfi clips) → SourceInfo."""

from __future__ import annotations

import json
import subprocess

import pytest

from media_platform.engine.issues import InputError, IssueCode
from media_platform.engine.probe import SourceInfo, parse_probe, probe_command, probe_file

from .conftest import probe_json, source_info

# name → (display width, display height, rotation, fps, duration)
VIDEO_GEOMETRY = [
    ("h264_aac", 640, 360, 0, 25.0, 2.0),
    ("portrait_rotate90", 360, 640, 90, 25.0, 2.0),
    ("ten_bit", 320, 180, 0, 25.0, 1.0),
    ("interlaced", 720, 576, 0, 25.0, 1.0),
    ("vfr", 320, 180, 0, 30.0, 2.934),
    ("surround", 320, 180, 0, 25.0, 1.0),
    ("two_audio", 320, 180, 0, 25.0, 1.0),
    ("hdr_pq", 320, 180, 0, 25.0, 1.0),
    ("image", 320, 240, 0, 25.0, 0.0),
]


@pytest.mark.parametrize(("name", "width", "height", "rotation", "fps", "duration"), VIDEO_GEOMETRY)
def test_video_geometry(name, width, height, rotation, fps, duration):
    info = source_info(name)

    assert info.video is not None
    assert (info.video.display_width, info.video.display_height) == (width, height)
    assert info.video.rotation == rotation
    assert info.video.fps == pytest.approx(fps)
    assert info.duration == pytest.approx(duration, abs=0.001)
    assert info.is_portrait is (height > width)


# name → (is_image, is_hdr, is_interlaced, is_variable_frame_rate, bit_depth)
FLAGS = [
    ("h264_aac", False, False, False, False, 8),
    ("portrait_rotate90", False, False, False, False, 8),
    ("ten_bit", False, False, False, False, 10),
    ("interlaced", False, False, True, False, 8),
    ("vfr", False, False, False, True, 8),
    ("hdr_pq", False, True, False, False, 10),
    ("image", True, False, False, False, 8),
]


@pytest.mark.parametrize(("name", "is_image", "is_hdr", "is_interlaced", "is_vfr", "bit_depth"), FLAGS)
def test_video_flags(name, is_image, is_hdr, is_interlaced, is_vfr, bit_depth):
    info = source_info(name)

    assert info.is_image is is_image
    assert info.video.is_hdr is is_hdr
    assert info.video.is_interlaced is is_interlaced
    assert info.video.is_variable_frame_rate is is_vfr
    assert info.video.bit_depth == bit_depth


# name → (audio track count, channels per track, sample rates)
AUDIO = [
    ("h264_aac", [2], [48000]),
    ("audio_only", [2], [48000]),
    ("cover_art", [2], [48000]),
    ("surround", [6], [48000]),
    ("two_audio", [1, 1], [48000, 44100]),
    ("ten_bit", [], []),
    ("image", [], []),
]


@pytest.mark.parametrize(("name", "channels", "rates"), AUDIO)
def test_audio_tracks(name, channels, rates):
    info = source_info(name)

    assert [a.channels for a in info.audio] == channels
    assert [a.sample_rate for a in info.audio] == rates
    assert info.has_audio is bool(channels)


def test_two_audio_tracks_keep_their_order_and_languages():
    info = source_info("two_audio")

    assert [(a.index, a.language) for a in info.audio] == [(1, "eng"), (2, "fra")]


@pytest.mark.parametrize("name", ["audio_only", "cover_art"])
def test_audio_files_have_no_video_even_with_cover_art(name):
    info = source_info(name)

    assert info.video is None
    assert info.is_image is False
    assert info.is_portrait is False
    assert info.duration == pytest.approx(2.0)


def test_normal_clip_fields():
    info = source_info("h264_aac")

    assert info.format_name == "mov"
    assert info.size > 0 and info.bit_rate
    assert info.video.codec == "h264"
    assert info.video.frames == 50
    assert info.video.pix_fmt == "yuv420p"
    assert info.video.display_aspect == pytest.approx(16 / 9)
    assert info.audio[0].codec == "aac"


def test_hdr_clip_carries_its_colour_tags():
    video = source_info("hdr_pq").video

    assert (video.codec, video.color_transfer, video.color_primaries) == ("hevc", "smpte2084", "bt2020")
    assert video.color_space == "bt2020nc"


def test_vfr_clip_average_rate_is_well_under_nominal():
    video = source_info("vfr").video

    assert video.avg_fps == pytest.approx(180 / 11)


def test_to_json_round_trip_survives_json_text():
    for name in ("h264_aac", "two_audio", "audio_only", "portrait_rotate90"):
        info = source_info(name)

        again = SourceInfo.from_json(json.loads(json.dumps(info.to_json())))

        assert again == info


# --- rotation conventions -----------------------------------------------------------------
def _stream(**extra):
    return {
        "streams": [{"index": 0, "codec_type": "video", "codec_name": "h264", "width": 1920, "height": 1080, **extra}]
    }


@pytest.mark.parametrize(
    ("extra", "rotation"),
    [
        ({"side_data_list": [{"side_data_type": "Display Matrix", "rotation": 90}]}, 90),
        ({"side_data_list": [{"side_data_type": "Display Matrix", "rotation": -90}]}, 270),
        ({"side_data_list": [{"side_data_type": "Display Matrix", "rotation": -180.0}]}, 180),
        ({"side_data_list": [{"side_data_type": "Display Matrix", "rotation": 89.6}]}, 90),
        # The legacy tag counts clockwise, the display matrix counter-clockwise: both mean the same phone.
        ({"tags": {"rotate": "90"}}, 270),
        ({"tags": {"rotate": "270"}}, 90),
        ({"tags": {"rotate": "-90"}}, 90),
        ({"tags": {"rotate": "nonsense"}}, 0),
        ({"tags": {}}, 0),
        # Side data wins over the tag when an older ffprobe printed both.
        ({"tags": {"rotate": "90"}, "side_data_list": [{"rotation": -90}]}, 270),
    ],
)
def test_rotation_conventions(extra, rotation):
    info = parse_probe(_stream(**extra))

    assert info.video.rotation == rotation
    assert info.is_portrait is (rotation % 180 == 90)


@pytest.mark.parametrize(
    ("sar", "rotation", "aspect"),
    [
        ("1:1", 0, 16 / 9),
        ("4:3", 0, 1920 * 4 / 3 / 1080),
        ("0:1", 0, 16 / 9),  # unknown SAR means square
        ("N/A", 0, 16 / 9),
        ("1:1", 90, 9 / 16),
        ("4:3", 90, 1080 / (1920 * 4 / 3)),
    ],
)
def test_display_aspect_applies_sar_and_rotation(sar, rotation, aspect):
    info = parse_probe(_stream(sample_aspect_ratio=sar, side_data_list=[{"rotation": rotation}] if rotation else []))

    assert info.video.display_aspect == pytest.approx(aspect)


@pytest.mark.parametrize(
    ("width", "height", "sar", "rotation", "size"),
    [
        (1920, 1080, None, 0, (1920, 1080)),
        (720, 576, "16:15", 0, (768, 576)),  # PAL 4:3: what the renditions are made from, not the stored size
        (720, 576, "64:45", 0, (1024, 576)),  # PAL 16:9
        (720, 480, "8:9", 0, (640, 480)),  # NTSC 4:3: narrower pixels
        (720, 576, "16:15", 90, (540, 720)),  # turned a quarter: the stored width becomes the height
        (320, 180, "1:1", 270, (180, 320)),
        (427, 239, None, 0, (427, 239)),  # odd sides are reported as they are; renditions trim them
    ],
)
def test_display_size_is_the_one_rule_for_a_pictures_size(width, height, sar, rotation, size):
    """What the API reports as width × height: non-square pixels and rotation applied."""
    rotated = {"side_data_list": [{"rotation": rotation}]} if rotation else {}
    info = parse_probe(_stream(width=width, height=height, sample_aspect_ratio=sar, **rotated))

    assert (info.video.display_width, info.video.display_height) == size
    assert info.video.display_width / info.video.display_height == pytest.approx(info.video.display_aspect, rel=0.01)


@pytest.mark.parametrize(
    ("rates", "frame_rate", "variable"),
    [
        ({"r_frame_rate": "25/1", "avg_frame_rate": "25/1", "nb_frames": "50", "duration": "2.0"}, 25.0, False),
        # A 24 fps file whose stated duration is a little short: its average claims 24.355.
        (
            {"r_frame_rate": "24/1", "avg_frame_rate": "294912/12109", "nb_frames": "48", "duration": "1.97"},
            24.0,
            False,
        ),
        # A one-second clip missing most of its last frame's duration: 3 % off, still one frame.
        ({"r_frame_rate": "24/1", "avg_frame_rate": "24/0.9708", "nb_frames": "24", "duration": "0.9708"}, 24.0, False),
        ({"r_frame_rate": "24/1", "avg_frame_rate": "24/0.9708", "duration": "0.9708"}, 24.0, False),
        ({"r_frame_rate": "30000/1001", "avg_frame_rate": "30000/1001"}, 30000 / 1001, False),
        # A phone's variable rate: nominal 30, a second longer than 240 frames at 30 take: the average is real.
        ({"r_frame_rate": "30/1", "avg_frame_rate": "240/9", "nb_frames": "240", "duration": "9.0"}, 240 / 9, True),
        ({"r_frame_rate": "90000/1", "avg_frame_rate": "2997/100"}, 29.97, True),
        ({"r_frame_rate": "0/0", "avg_frame_rate": "25/1"}, 25.0, False),
        ({"r_frame_rate": "0/0", "avg_frame_rate": "0/0"}, None, False),
    ],
)
def test_frame_rate_is_the_streams_real_rate(rates, frame_rate, variable):
    info = parse_probe(_stream(**rates))

    assert info.video.is_variable_frame_rate is variable
    assert info.video.frame_rate == (pytest.approx(frame_rate) if frame_rate else None)


def test_recorded_variable_frame_rate_reports_its_average():
    video = source_info("vfr").video

    assert video.is_variable_frame_rate
    assert video.frame_rate == pytest.approx(video.avg_fps)


# --- odd or missing values ----------------------------------------------------------------
def test_missing_and_bogus_numbers_become_none():
    data = _stream(r_frame_rate="0/0", avg_frame_rate="N/A", duration="N/A", bit_rate="-5", nb_frames="")
    data["format"] = {"format_name": "matroska,webm", "duration": "nan"}

    info = parse_probe(data)

    assert info.format_name == "matroska"
    assert (info.video.fps, info.video.avg_fps, info.video.duration) == (None, None, None)
    assert (info.video.bit_rate, info.video.frames) == (None, None)
    assert info.duration == 0.0
    assert info.video.is_variable_frame_rate is False


def test_duration_falls_back_to_the_streams():
    data = _stream(duration="7.5")
    data["streams"].append({"index": 1, "codec_type": "audio", "codec_name": "aac", "duration": "8.0"})
    data["streams"].append({"index": 2, "codec_type": "subtitle", "codec_name": "mov_text"})

    info = parse_probe(data)

    assert info.duration == 7.5
    assert info.subtitle_count == 1


@pytest.mark.parametrize(
    ("pix_fmt", "raw", "depth"),
    [("yuv420p", None, 8), ("yuv420p10le", None, 10), ("yuv444p12le", None, 12), ("x", "10", 10)],
)
def test_bit_depth_from_raw_sample_or_pixel_format(pix_fmt, raw, depth):
    extra = {"pix_fmt": pix_fmt}
    if raw:
        extra["bits_per_raw_sample"] = raw

    assert parse_probe(_stream(**extra)).video.bit_depth == depth


@pytest.mark.parametrize(
    ("format_name", "codec", "frames", "duration", "fps", "is_image"),
    [
        ("image2", "mjpeg", None, "0.04", "25/1", True),
        ("png_pipe", "png", None, None, "25/1", True),
        ("mov,mp4,m4a,3gp,3g2,mj2", "png", "1", "0.04", "25/1", True),
        ("avi", "mjpeg", "250", "10", "25/1", False),
        # Matroska gives no frame count: a 2-second Motion-JPEG clip is a video, not a still.
        ("matroska,webm", "mjpeg", None, "2.0", "25/1", False),
        ("matroska,webm", "mjpeg", None, "0.04", "25/1", True),
        ("matroska,webm", "h264", None, None, "25/1", False),
    ],
)
def test_is_image(format_name, codec, frames, duration, fps, is_image):
    stream = {"codec_name": codec, "r_frame_rate": fps, "avg_frame_rate": fps}
    if frames:
        stream["nb_frames"] = frames
    data = _stream(**stream)
    data["format"] = {"format_name": format_name, **({"duration": duration} if duration else {})}

    assert parse_probe(data).is_image is is_image


def test_empty_probe_has_nothing():
    info = parse_probe({})

    assert (info.video, info.audio, info.duration, info.format_name) == (None, (), 0.0, "")


# --- running ffprobe ----------------------------------------------------------------------
def test_probe_command_limits_protocols():
    argv = probe_command("in.mp4")

    assert argv[0] == "ffprobe" and argv[-1] == "in.mp4"
    assert argv[argv.index("-protocol_whitelist") + 1] == "file,pipe"
    assert {"-show_format", "-show_streams"} <= set(argv)


@pytest.mark.ffmpeg
def test_probe_file_reads_a_real_clip(clips):
    info = probe_file(str(clips.main))

    assert (info.video.width, info.video.height, info.video.fps) == (640, 360, 25.0)
    assert info.duration == pytest.approx(3.0, abs=0.05)
    assert info.audio[0].channels == 2


@pytest.mark.ffmpeg
def test_probe_file_of_a_portrait_clip_reports_the_display_matrix(clips):
    # The same ffmpeg that made the recorded fixture: a `rotate=90` tag becomes a matrix ffprobe reads as 90.
    info = probe_file(str(clips.portrait))

    assert info.video.rotation == 90
    assert (info.video.display_width, info.video.display_height) == (180, 320)


@pytest.mark.ffmpeg
def test_probe_file_of_garbage_is_original_corrupted(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00not a video at all" * 100)

    with pytest.raises(InputError) as caught:
        probe_file(str(junk))

    assert caught.value.issue.code is IssueCode.ORIGINAL_CORRUPTED
    assert str(junk) not in caught.value.issue.message  # the reason, not the temporary path


def test_probe_file_timeout_is_original_corrupted(monkeypatch):
    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], 1)

    monkeypatch.setattr(subprocess, "run", slow)

    with pytest.raises(InputError) as caught:
        probe_file("in.mp4")

    assert caught.value.issue.code is IssueCode.ORIGINAL_CORRUPTED


def test_fixture_files_are_the_recorded_ones():
    # Guards against a fixture re-recorded on another ffmpeg that would silently change the tables above.
    assert probe_json("portrait_rotate90")["streams"][0]["side_data_list"][0]["rotation"] == 90
    assert probe_json("interlaced")["streams"][0]["field_order"] == "tt"
    assert probe_json("cover_art")["streams"][1]["disposition"]["attached_pic"] == 1


def test_a_header_that_claims_hours_for_seconds_of_streams_is_not_believed():
    data = _stream(duration="1.0")
    data["format"] = {"duration": "36000.0"}

    info = parse_probe(data)

    assert (info.duration, info.header_duration) == (1.0, 36000.0)

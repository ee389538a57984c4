"""hls (playlists as text) and storyboard (the VTT that points into the sprite)."""

from __future__ import annotations

import re

import pytest

from media_platform.engine.hls import (
    Segment,
    VariantStream,
    audio_codec_string,
    master_playlist,
    measure_bandwidth,
    parse_segments,
    target_duration,
    video_codec_string,
    with_target_duration,
)
from media_platform.engine.plan.image_jobs import storyboard_grid
from media_platform.engine.storyboard import storyboard_vtt, vtt_timestamp

# What ffmpeg's hls muxer writes for a vod playlist.
VARIANT = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:4
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-INDEPENDENT-SEGMENTS
#EXTINF:4.000000,
video0.ts
#EXTINF:4.000000,
video1.ts
#EXTINF:3.960000,
video2.ts
#EXTINF:0.040000,
video3.ts
#EXT-X-ENDLIST
"""


def test_parse_segments():
    assert parse_segments(VARIANT) == [
        Segment("video0.ts", 4.0),
        Segment("video1.ts", 4.0),
        Segment("video2.ts", 3.96),
        Segment("video3.ts", 0.04),
    ]


ONE_FRAME = """#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:0
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:VOD
#EXTINF:0.040000,
video0.ts
#EXT-X-ENDLIST
"""


@pytest.mark.parametrize(
    ("durations", "declared", "target"),
    [
        ([0.04], 0, 1),  # a one-frame clip: ffmpeg writes 0, which strict parsers read as missing
        ([], 0, 1),
        ([4.0, 4.0, 0.04], 4, 4),
        ([4.0, 4.6], 4, 5),  # rounded, no segment may be longer than the target
        ([2.0], 4, 4),  # never lowered
    ],
)
def test_target_duration_is_at_least_one_second(durations, declared, target):
    assert target_duration([Segment(f"{i}.ts", d) for i, d in enumerate(durations)], declared) == target


def test_with_target_duration_mends_only_the_tag():
    mended = with_target_duration(ONE_FRAME)

    assert mended == ONE_FRAME.replace("#EXT-X-TARGETDURATION:0", "#EXT-X-TARGETDURATION:1")
    assert with_target_duration(VARIANT) == VARIANT


def test_parse_segments_tolerates_titles_blank_lines_and_crlf():
    lines = [
        "#EXTM3U",
        "#EXTINF:2.5,title here",
        "",
        "#EXT-X-DISCONTINUITY",
        "seg0.ts",
        "stray.ts",
        "#EXTINF:1,",
        "seg1.ts",
    ]
    text = "\r\n".join(lines) + "\r\n"

    assert parse_segments(text) == [Segment("seg0.ts", 2.5), Segment("seg1.ts", 1.0)]


def test_parse_segments_of_a_master_or_nothing():
    assert parse_segments("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/video.m3u8\n") == []
    assert parse_segments("") == []


@pytest.mark.parametrize(
    ("segments", "sizes", "peak", "average"),
    [
        # The 0.04 s stub's 2,000 bytes would claim 400 kbit/s; peak ignores it, the average does not.
        (
            [Segment("a", 4.0), Segment("b", 4.0), Segment("c", 3.96), Segment("d", 0.04)],
            {"a": 100_000, "b": 150_000, "c": 90_000, "d": 2_000},
            300_000,
            int((342_000 * 8) / 12.0),
        ),
        ([Segment("a", 2.0)], {"a": 1000}, 4000, 4000),
        # A segment whose file is missing counts as empty.
        ([Segment("a", 2.0), Segment("b", 2.0)], {"a": 1000}, 4000, 2000),
        # Segments of zero length are skipped entirely.
        ([Segment("a", 0.0), Segment("b", 1.0)], {"a": 10**9, "b": 100}, 800, 800),
        ([], {}, 0, 0),
        ([Segment("a", 0.0)], {"a": 5}, 0, 0),
    ],
)
def test_measure_bandwidth(segments, sizes, peak, average):
    assert measure_bandwidth(segments, sizes) == (peak, average)


def test_peak_counts_segments_of_at_least_half_the_longest():
    segments = [Segment("long", 4.0), Segment("half", 2.0), Segment("short", 1.9)]
    sizes = {"long": 4_000, "half": 4_000, "short": 4_000}

    peak, _ = measure_bandwidth(segments, sizes)

    assert peak == 16_000  # "half" at 2 s counts; "short" at 1.9 s would have made it 16,842


@pytest.mark.parametrize(
    ("codec", "profile", "level", "expected"),
    [
        ("h264", "High", 40, "avc1.640028"),
        ("h264", "High", 31, "avc1.64001f"),
        ("h264", "Main", 30, "avc1.4d401e"),
        ("h264", "Constrained Baseline", 30, "avc1.42c01e"),
        ("h264", "Baseline", 13, "avc1.42000d"),
        ("h264", "High 10", 51, "avc1.6e0033"),
        ("h264", None, None, "avc1.640028"),
        ("h264", "Unknown Profile", 40, "avc1.640028"),
        ("hevc", "Main", 93, "hvc1.1.6.L93.B0"),
        ("hevc", "Main 10", 120, "hvc1.2.4.L120.B0"),
        ("hevc", None, None, "hvc1.1.6.L120.B0"),
        ("av1", "Main", 8, "av01.0.08M.08"),
        ("vp9", None, None, "vp9"),
    ],
)
def test_video_codec_string(codec, profile, level, expected):
    assert video_codec_string(codec, profile, level) == expected


@pytest.mark.parametrize(
    ("codec", "expected"),
    [("aac", "mp4a.40.2"), ("opus", "opus"), ("mp3", "mp4a.40.34"), ("ac3", "ac-3"), ("flac", None), (None, None)],
)
def test_audio_codec_string(codec, expected):
    assert audio_codec_string(codec) == expected


def variant(name, bandwidth, width, height, **extra):
    return VariantStream(
        f"{name}/video.m3u8", bandwidth, bandwidth // 2, width, height, "avc1.640028,mp4a.40.2", **extra
    )


def test_master_playlist_lists_variants_highest_first():
    text = master_playlist([variant("240p", 400_000, 426, 240, frame_rate=25.0), variant("720p", 3_000_000, 1280, 720)])

    assert text == (
        "#EXTM3U\n"
        "#EXT-X-VERSION:3\n"
        "#EXT-X-INDEPENDENT-SEGMENTS\n"
        '#EXT-X-STREAM-INF:BANDWIDTH=3000000,AVERAGE-BANDWIDTH=1500000,RESOLUTION=1280x720,CODECS="avc1.640028,mp4a.40.2"\n'
        "720p/video.m3u8\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=400000,AVERAGE-BANDWIDTH=200000,RESOLUTION=426x240,"
        'CODECS="avc1.640028,mp4a.40.2",FRAME-RATE=25.000\n'
        "240p/video.m3u8\n"
    )


def test_master_playlist_with_separate_audio():
    text = master_playlist(
        [variant("360p", 800_000, 640, 360, frame_rate=29.97, audio_group="audio")], audio_uri="audio/audio.m3u8"
    )

    lines = text.splitlines()
    assert lines[3] == (
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="default",DEFAULT=YES,AUTOSELECT=YES,URI="audio/audio.m3u8"'
    )
    assert lines[4].endswith(',FRAME-RATE=29.970,AUDIO="audio"')
    assert lines[5] == "360p/video.m3u8"


def test_master_playlist_of_nothing_is_still_a_playlist():
    assert master_playlist([]) == "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n"


# --- storyboard ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "00:00:00.000"),
        (1.5, "00:00:01.500"),
        (59.9996, "00:01:00.000"),
        (3723.042, "01:02:03.042"),
        (-1, "00:00:00.000"),
        (360000, "100:00:00.000"),
    ],
)
def test_vtt_timestamp(seconds, text):
    assert vtt_timestamp(seconds) == text


def test_storyboard_vtt_cues_point_into_the_grid():
    text = storyboard_vtt(
        sprite="storyboard.jpg", count=5, interval=10, columns=2, tile_width=160, tile_height=90, duration=45
    )

    assert text == (
        "WEBVTT\n\n"
        "00:00:00.000 --> 00:00:10.000\nstoryboard.jpg#xywh=0,0,160,90\n\n"
        "00:00:10.000 --> 00:00:20.000\nstoryboard.jpg#xywh=160,0,160,90\n\n"
        "00:00:20.000 --> 00:00:30.000\nstoryboard.jpg#xywh=0,90,160,90\n\n"
        "00:00:30.000 --> 00:00:40.000\nstoryboard.jpg#xywh=160,90,160,90\n\n"
        "00:00:40.000 --> 00:00:45.000\nstoryboard.jpg#xywh=0,180,160,90\n"
    )


def test_storyboard_vtt_cue_past_the_duration_keeps_its_interval():
    text = storyboard_vtt(sprite="s.jpg", count=2, interval=2.5, columns=10, tile_width=100, tile_height=56, duration=2)

    assert re.findall(r"(\S+) --> (\S+)", text) == [
        ("00:00:00.000", "00:00:02.000"),
        ("00:00:02.500", "00:00:05.000"),
    ]


@pytest.mark.parametrize(
    ("duration", "interval", "columns", "grid"),
    [
        (45, 10, 2, (5, 2, 3)),
        (100, 10, 10, (10, 10, 1)),
        (101, 10, 10, (11, 10, 2)),
        (3, 10, 10, (1, 1, 1)),
        (0, 10, 10, (1, 1, 1)),
        (3, 1, 2, (3, 2, 2)),
    ],
)
def test_storyboard_grid(duration, interval, columns, grid):
    assert storyboard_grid(duration, interval, columns) == grid

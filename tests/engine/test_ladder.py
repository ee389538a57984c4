"""ladder: which renditions a source gets (never upscale, even sides, aspect kept, portrait stays portrait)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from media_platform.engine.ladder import (
    DEFAULT_ENABLED,
    RUNGS,
    build_ladder,
    display_size,
    even,
    mp4_fallback_names,
    output_fps,
    parse_resolutions,
    rendition_for,
    rung_sort_key,
    size_for_short_side,
    with_preset,
)
from media_platform.engine.probe import VideoStreamInfo
from media_platform.engine.transforms import fit_within

from .conftest import source_info

ALL = ("240p", "360p", "480p", "720p", "1080p", "1440p", "2160p")


def video(width, height, *, rotation=0, sar=None, fps=25.0, avg_fps=None):
    return VideoStreamInfo(
        index=0,
        codec="h264",
        width=width,
        height=height,
        rotation=rotation,
        fps=fps,
        avg_fps=avg_fps if avg_fps is not None else fps,
        sample_aspect_ratio=sar,
    )


# (source, enabled) → [(name, width, height)]
LADDERS = [
    (
        video(1920, 1080),
        DEFAULT_ENABLED,
        [("240p", 426, 240), ("360p", 640, 360), ("480p", 854, 480), ("720p", 1280, 720), ("1080p", 1920, 1080)],
    ),
    (video(1920, 1080), ("720p", "240p"), [("240p", 426, 240), ("720p", 1280, 720)]),
    (
        video(1920, 1080),
        ALL,
        [("240p", 426, 240), ("360p", 640, 360), ("480p", 854, 480), ("720p", 1280, 720), ("1080p", 1920, 1080)],
    ),
    (
        video(1280, 720),
        DEFAULT_ENABLED,
        [("240p", 426, 240), ("360p", 640, 360), ("480p", 854, 480), ("720p", 1280, 720)],
    ),
    # A phone's 1280x718 is still "720p", at its own size.
    (video(1280, 718), ("480p", "720p", "1080p"), [("480p", 856, 480), ("720p", 1280, 718)]),
    # The aspect comes from the display size before an odd side is trimmed: a 16:9 720x405 gets
    # 640x360 and 426x240 (not 642x360 and 428x240, the aspect of 720x404); 640x465 gets 330x240.
    (video(720, 405), DEFAULT_ENABLED, [("240p", 426, 240), ("360p", 640, 360)]),
    (video(640, 465), DEFAULT_ENABLED, [("240p", 330, 240), ("360p", 496, 360)]),
    (video(405, 720), ("240p", "360p"), [("240p", 240, 426), ("360p", 360, 640)]),
    # Odd sides are trimmed to even, never stretched: 853x479 shows as 852x478.
    (video(853, 479), DEFAULT_ENABLED, [("240p", 428, 240), ("360p", 642, 360), ("480p", 852, 478)]),
    # Portrait through rotation: renditions are portrait; the name is the short side.
    (
        video(1920, 1080, rotation=90),
        ("360p", "720p", "1080p"),
        [("360p", 360, 640), ("720p", 720, 1280), ("1080p", 1080, 1920)],
    ),
    (video(1080, 1920), ("240p", "480p"), [("240p", 240, 426), ("480p", 480, 854)]),
    (
        video(3840, 2160),
        ALL,
        [
            ("240p", 426, 240),
            ("360p", 640, 360),
            ("480p", 854, 480),
            ("720p", 1280, 720),
            ("1080p", 1920, 1080),
            ("1440p", 2560, 1440),
            ("2160p", 3840, 2160),
        ],
    ),
    (
        video(3840, 2160),
        DEFAULT_ENABLED,
        [("240p", 426, 240), ("360p", 640, 360), ("480p", 854, 480), ("720p", 1280, 720), ("1080p", 1920, 1080)],
    ),
    # Smaller than every enabled rung: one rendition at the source's own size.
    (video(320, 180), DEFAULT_ENABLED, [("180p", 320, 180)]),  # named for what it is, not a rung it misses
    (video(320, 180), ("720p", "1080p"), [("180p", 320, 180)]),
    (video(16, 16), DEFAULT_ENABLED, [("16p", 16, 16)]),
    # 4:3
    (video(640, 480), DEFAULT_ENABLED, [("240p", 320, 240), ("360p", 480, 360), ("480p", 640, 480)]),
    (video(1440, 1080), ("720p", "1080p"), [("720p", 960, 720), ("1080p", 1440, 1080)]),
    # Anamorphic PAL: 720x576 stored, SAR 16:15 shows 768x576; 64:45 shows 1024x576.
    (video(720, 576, sar="16:15"), DEFAULT_ENABLED, [("240p", 320, 240), ("360p", 480, 360), ("480p", 640, 480)]),
    (video(720, 576, sar="64:45"), DEFAULT_ENABLED, [("240p", 426, 240), ("360p", 640, 360), ("480p", 854, 480)]),
    # Unknown names are ignored; nothing known falls back to the defaults.
    (video(1280, 720), ("720P", " 360p ", "999p", "4k"), [("360p", 640, 360), ("720p", 1280, 720)]),
    (
        video(1280, 720),
        ("nonsense",),
        [("240p", 426, 240), ("360p", 640, 360), ("480p", 854, 480), ("720p", 1280, 720)],
    ),
]


@pytest.mark.parametrize(("source", "enabled", "expected"), LADDERS)
def test_ladder(source, enabled, expected):
    ladder = build_ladder(source, enabled)

    assert [(r.name, r.width, r.height) for r in ladder] == expected


@pytest.mark.parametrize(("source", "enabled", "expected"), LADDERS)
def test_ladder_invariants(source, enabled, expected):
    width, height = display_size(source)

    for rendition in build_ladder(source, enabled):
        assert rendition.width % 2 == 0 and rendition.height % 2 == 0
        assert rendition.width <= width and rendition.height <= height, "never upscale"
        assert (rendition.height > rendition.width) == (height > width), "portrait stays portrait"
        assert rendition.width / rendition.height == pytest.approx(width / height, rel=0.02), "aspect kept"


def test_ladder_upscale_when_asked():
    ladder = build_ladder(video(320, 180), ("240p", "480p"), upscale=True)

    assert [(r.name, r.width, r.height) for r in ladder] == [("240p", 426, 240), ("480p", 854, 480)]


def test_ladder_from_recorded_portrait_probe():
    ladder = build_ladder(source_info("portrait_rotate90").video)

    assert [(r.name, r.width, r.height) for r in ladder] == [("240p", 240, 426), ("360p", 360, 640)]


@pytest.mark.parametrize(
    ("codec", "crf", "peak_720p"),
    [("h264", 23, 3200), ("h265", 26, 2080), ("av1", 32, 1760)],
)
def test_codec_settings(codec, crf, peak_720p):
    rendition = build_ladder(video(1280, 720), ("720p",), codec=codec)[0]

    assert rendition.video.codec == codec
    assert rendition.video.crf == crf
    assert rendition.video.max_rate_kbps == peak_720p
    assert rendition.video.bufsize_kbits == peak_720p * 2


def test_rung_presets_and_audio():
    ladder = build_ladder(video(1920, 1080), ("240p", "1080p"))

    assert [(r.video.preset, r.audio.bitrate_kbps) for r in ladder] == [("faster", 64), ("veryfast", 128)]
    assert [r.video.preset for r in build_ladder(video(1920, 1080), ("240p", "1080p"), preset="ultrafast")] == [
        "ultrafast",
        "ultrafast",
    ]


def test_every_rendition_shares_the_gop():
    ladder = build_ladder(video(1920, 1080))

    assert {r.video.gop_seconds for r in ladder} == {2.0}


@pytest.mark.parametrize(
    ("source", "fps"),
    [
        (video(1280, 720, fps=25.0), None),
        (video(1280, 720, fps=30000 / 1001), None),
        (video(1280, 720, fps=120.0), 60.0),
        (video(1280, 720, fps=30.0, avg_fps=180 / 11), 16.364),  # VFR made constant at its average
        # Steady 24 fps whose container duration is a little short: its average (24.355) is not its rate.
        (replace(video(1280, 720, fps=24.0, avg_fps=24.355), frames=48, duration=1.971), None),
        (video(1280, 720, fps=None, avg_fps=None), None),
    ],
)
def test_output_fps(source, fps):
    assert output_fps(source) == fps
    assert {r.video.fps for r in build_ladder(source)} == {fps}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("240p,720p", ["240p", "720p"]),
        ("1080p, 240P ,360p", ["240p", "360p", "1080p"]),
        ("", []),
        (",,", []),
        ("720p,720p", ["720p"]),
        (["2160p", "480p", "bogus"], ["480p", "2160p"]),
    ],
)
def test_parse_resolutions(text, names):
    assert parse_resolutions(text) == names


@pytest.mark.parametrize(("value", "result"), [(0, 2), (1, 2), (3.1, 4), (239.9, 240), (426.67, 426), (853.4, 854)])
def test_even(value, result):
    assert even(value) == result


@pytest.mark.parametrize(
    ("source", "size"),
    [
        (video(1920, 1080), (1920, 1080)),
        (video(853, 479), (852, 478)),
        (video(1920, 1080, rotation=270), (1080, 1920)),
        (video(1920, 1080, rotation=180), (1920, 1080)),
        (video(720, 576, sar="16:15"), (768, 576)),
        (video(720, 480, sar="32:27", rotation=90), (404, 720)),
    ],
)
def test_display_size(source, size):
    assert display_size(source) == size


def test_size_for_short_side():
    assert size_for_short_side(1920, 1080, 720) == (1280, 720)
    assert size_for_short_side(1080, 1920, 720) == (720, 1280)
    assert size_for_short_side(1000, 1000, 240) == (240, 240)


def test_sort_and_mp4_fallbacks():
    ladder = build_ladder(video(1920, 1080))

    assert sorted(["1080p", "240p", "720p", "custom_500"], key=rung_sort_key) == ["240p", "custom_500", "720p", "1080p"]
    assert mp4_fallback_names(ladder) == ["240p", "360p", "480p", "720p"]


def test_rendition_for_unknown_name_uses_720p_rates():
    rendition = rendition_for("custom", 100, 100)

    assert rendition.video.max_rate_kbps == RUNGS["720p"].max_rate_kbps
    assert (rendition.width, rendition.height) == (100, 100)


def test_with_preset_keeps_everything_else():
    ladder = build_ladder(video(1280, 720))

    fast = with_preset(ladder, "ultrafast")

    assert {r.video.preset for r in fast} == {"ultrafast"}
    assert [(r.name, r.width, r.height, r.video.crf) for r in fast] == [
        (r.name, r.width, r.height, r.video.crf) for r in ladder
    ]


def test_every_rung_is_encoded_at_exactly_its_ladder_size():
    """The planner scales the decoded picture (display_size) into each rung's box with fit_within
    and the source's unrounded aspect: what the master lists must be what the encode gets."""
    sources = [
        video(width, height, sar=sar, rotation=rotation)
        for width in range(96, 2000, 71)
        for height in range(96, 1200, 41)
        for sar in (None, "16:15", "8:9", "64:45")
        for rotation in (0, 90)
    ]
    wrong = []
    for source in sources:
        width, height = display_size(source)
        for rendition in build_ladder(source, ALL):
            box = (rendition.width, rendition.height)
            got = fit_within(width, height, *box, upscale=False, aspect=source.display_aspect)
            if got != box or rendition.width > width or rendition.height > height:
                wrong.append((source.width, source.height, source.sample_aspect_ratio, source.rotation, box, got))
    assert not wrong, wrong[:5]

"""transforms: every transformation → filter steps and the geometry it leaves."""

from __future__ import annotations

import pytest

from media_platform.engine.spec import (
    GRAVITIES,
    AspectRatio,
    Crop,
    Deinterlace,
    FrameRate,
    Resize,
    Rotate,
    Trim,
    Watermark,
)
from media_platform.engine.transforms import (
    FilterStep,
    Geometry,
    OverlayStep,
    TransformError,
    apply_transformations,
    fit_within,
    gravity_position,
    parse_length,
    parse_offset,
    parse_ratio,
    step,
)

BASE = Geometry(640, 360, 10.0)


def apply(*transformations, geometry=BASE):
    return apply_transformations(tuple(transformations), geometry)


def size(applied):
    return applied.geometry.width, applied.geometry.height


# --- length syntax ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "suffix", "result"),
    [
        ("100", "h", 100),
        (100, "h", 100),
        (100.4, "h", 100),
        ("100px", "h", 100),
        (" 100 px ", "h", 100),
        ("50%", "h", 320),  # of its own side (width 640)
        ("12.5%", "h", 80),
        ("50h", "h", 180),  # a width as a share of the height (360)
        ("200h", "h", 720),
        ("0", "h", 0),
        ("-10", "h", -10),  # the caller rejects it, naming the field
    ],
)
def test_parse_length(value, suffix, result):
    assert parse_length(value, own=640, other=360, other_suffix=suffix, field="resize.width") == result


def test_parse_length_for_height_uses_w():
    assert parse_length("50w", own=360, other=640, other_suffix="w", field="resize.height") == 320


@pytest.mark.parametrize("value", ["abc", "", None, "10em", "50w", "%", "px", "1e3", "50 %%", "5,5"])
def test_parse_length_rejects(value):
    with pytest.raises(TransformError) as caught:
        parse_length(value, own=640, other=360, other_suffix="h", field="resize.width")

    assert caught.value.field == "resize.width"
    assert str(caught.value).startswith("resize.width:")


@pytest.mark.parametrize(("value", "result"), [("0", 0), (10, 10), ("10px", 10), ("10%", 64), ("-5", -5), (None, 0)])
def test_parse_offset(value, result):
    assert parse_offset(value, side=640, field="crop.xoffset") == result


@pytest.mark.parametrize("value", ["10h", "10w", "left", ""])
def test_parse_offset_rejects(value):
    with pytest.raises(TransformError) as caught:
        parse_offset(value, side=640, field="crop.xoffset")

    assert caught.value.field == "crop.xoffset"


# --- gravity ------------------------------------------------------------------------------
# gravity → (x, y) of a 200x100 box in 640x360, pushed 10 / 20 away from its anchored edges
GRAVITY_POSITIONS = {
    "northwest": (10, 20),
    "north": (230, 20),
    "northeast": (430, 20),
    "west": (10, 150),
    "center": (230, 150),
    "east": (430, 150),
    "southwest": (10, 240),
    "south": (230, 240),
    "southeast": (430, 240),
}


def test_gravity_table_covers_every_gravity():
    assert set(GRAVITY_POSITIONS) == set(GRAVITIES)


@pytest.mark.parametrize(("gravity", "position"), GRAVITY_POSITIONS.items())
def test_gravity_position(gravity, position):
    assert gravity_position(gravity, outer=(640, 360), inner=(200, 100), offset=(10, 20)) == position


@pytest.mark.parametrize(("gravity", "position"), GRAVITY_POSITIONS.items())
def test_crop_by_gravity(gravity, position):
    applied = apply(Crop(width="200", height="100", gravity=gravity, xoffset="10", yoffset="20"))

    assert applied.video == (step("crop", 200, 100, *position),)
    assert size(applied) == (200, 100)
    assert applied.audio == ()


def test_gravity_without_offset_is_flush():
    assert gravity_position("southeast", outer=(640, 360), inner=(200, 100), offset=(0, 0)) == (440, 260)
    assert gravity_position("center", outer=(640, 360), inner=(200, 100), offset=(0, 0)) == (220, 130)


@pytest.mark.parametrize("gravity", ["middle", "", "North", "top-left"])
def test_unknown_gravity(gravity):
    with pytest.raises(TransformError) as caught:
        apply(Crop(width="100", gravity=gravity))

    assert caught.value.field == "crop.gravity"
    with pytest.raises(TransformError) as caught:
        apply(Watermark("mark.png", width="10", gravity=gravity))

    assert caught.value.field == "watermark.gravity"


# --- resize -------------------------------------------------------------------------------
RESIZES = [
    (Resize(width="320"), (320, 180)),
    (Resize(width=320), (320, 180)),
    (Resize(height="180px"), (320, 180)),
    (Resize(height="50%"), (320, 180)),
    (Resize(width="25%"), (160, 90)),
    (Resize(width="50h"), (180, 102)),
    (Resize(height="25w"), (284, 160)),
    (Resize(width="320", height="320"), (320, 180)),  # fits inside the box, aspect kept
    (Resize(width="1000", height="90"), (160, 90)),
    (Resize(width="1280"), (640, 360)),  # never larger unless asked
    (Resize(width="1280", upscale=True), (1280, 720)),
    (Resize(width="333"), (332, 188)),  # even sides
]


@pytest.mark.parametrize(("resize", "expected"), RESIZES)
def test_resize(resize, expected):
    applied = apply(resize)

    assert size(applied) == expected
    if expected == (640, 360):
        assert applied.video == ()
    else:
        assert applied.video == (step("scale", *expected), step("setsar", "1"))


@pytest.mark.parametrize(
    ("resize", "field"),
    [
        (Resize(), "resize"),
        (Resize(width="", height=""), "resize"),
        (Resize(width="0"), "resize.width"),
        (Resize(width="-5"), "resize.width"),
        (Resize(width="abc"), "resize.width"),
        (Resize(width="50w"), "resize.width"),
        (Resize(height="0%"), "resize.height"),
        (Resize(height="50h"), "resize.height"),
    ],
)
def test_resize_rejects(resize, field):
    with pytest.raises(TransformError) as caught:
        apply(resize)

    assert caught.value.field == field


@pytest.mark.parametrize(
    ("box", "upscale", "result"),
    [
        ((None, None), False, (640, 360)),
        ((320, None), False, (320, 180)),
        ((None, 720), False, (640, 360)),
        ((None, 720), True, (1280, 720)),
        ((100, 100), False, (100, 56)),
    ],
)
def test_fit_within(box, upscale, result):
    assert fit_within(640, 360, *box, upscale=upscale) == result


def test_fit_within_keeps_the_unrounded_aspect_when_given():
    # A 16:9 720x405 source decodes at 720x404 (even sides): its 360 lines are 640 wide, not 642.
    assert fit_within(720, 404, None, 360, upscale=False) == (642, 360)
    assert fit_within(720, 404, None, 360, upscale=False, aspect=720 / 405) == (640, 360)
    assert fit_within(640, 464, 330, 240, upscale=False, aspect=640 / 465) == (330, 240)
    assert fit_within(720, 404, 720, 405, upscale=False, aspect=720 / 405) == (720, 404)  # whole picture
    assert fit_within(720, 404, None, 720, upscale=True, aspect=720 / 405) == (1280, 720)


# --- crop ---------------------------------------------------------------------------------
CROPS = [
    (Crop(width="320"), step("crop", 320, 360, 160, 0)),
    (Crop(height="50%"), step("crop", 640, 180, 0, 90)),
    (Crop(width="50h", height="50%"), step("crop", 180, 180, 230, 90)),
    (Crop(width="201", height="101"), step("crop", 200, 100, 220, 130)),  # even sides
    # Bigger than the picture: clamped to it.
    (Crop(width="1000", height="1000"), step("crop", 640, 360, 0, 0)),
    # Offsets that would push the box outside are clamped to the picture.
    (Crop(width="200", height="100", gravity="east", xoffset="600"), step("crop", 200, 100, 0, 130)),
    (
        Crop(width="200", height="100", gravity="northwest", xoffset="1000", yoffset="1000"),
        step("crop", 200, 100, 440, 260),
    ),
    (Crop(width="200", height="100", gravity="northwest", xoffset="-50", yoffset="-50"), step("crop", 200, 100, 0, 0)),
    (
        Crop(width="200", height="100", gravity="northwest", xoffset="10%", yoffset="10%"),
        step("crop", 200, 100, 64, 36),
    ),
]


@pytest.mark.parametrize(("crop", "expected"), CROPS)
def test_crop(crop, expected):
    applied = apply(crop)

    assert applied.video == (expected,)
    assert size(applied) == expected.args[:2]


@pytest.mark.parametrize(
    ("crop", "field"),
    [
        (Crop(), "crop"),
        (Crop(width="0"), "crop.width"),
        (Crop(height="x"), "crop.height"),
        (Crop(width="10", xoffset="5w"), "crop.xoffset"),
        (Crop(width="10", yoffset="nope"), "crop.yoffset"),
    ],
)
def test_crop_rejects(crop, field):
    with pytest.raises(TransformError) as caught:
        apply(crop)

    assert caught.value.field == field


# --- trim ---------------------------------------------------------------------------------
TRIMS = [
    (Trim(start_time=2, duration=3), {"start": 2.0, "duration": 3.0}, 3.0),
    (Trim(start_time=0), {"start": 0.0}, 10.0),
    (Trim(start_time=4), {"start": 4.0}, 6.0),
    (Trim(start_time=8, duration=5), {"start": 8.0, "duration": 2.0}, 2.0),  # past the end: what is left
    (Trim(start_time=-3, duration=1), {"start": 0.0, "duration": 1.0}, 1.0),
    (Trim(start_time=1, duration=0), {"start": 1.0}, 9.0),  # 0 means "to the end"
]


@pytest.mark.parametrize(("trim", "kwargs", "duration"), TRIMS)
def test_trim(trim, kwargs, duration):
    applied = apply(trim)

    assert applied.video == (step("trim", **kwargs), step("setpts", "PTS-STARTPTS"))
    assert applied.audio == (step("atrim", **kwargs), step("asetpts", "PTS-STARTPTS"))
    assert applied.geometry == Geometry(640, 360, duration)


@pytest.mark.parametrize(
    ("trim", "field"),
    [
        (Trim(start_time=10), "trim.start_time"),
        (Trim(start_time=12.5), "trim.start_time"),
        (Trim(start_time=1, duration=-2), "trim.duration"),
    ],
)
def test_trim_rejects(trim, field):
    with pytest.raises(TransformError) as caught:
        apply(trim)

    assert caught.value.field == field
    if field == "trim.start_time":
        assert "past the end" in str(caught.value)


def test_trims_compose():
    applied = apply(Trim(start_time=2, duration=6), Trim(start_time=1, duration=10))

    assert applied.geometry.duration == 5.0
    with pytest.raises(TransformError):
        apply(Trim(start_time=2, duration=3), Trim(start_time=3))


# --- watermark ----------------------------------------------------------------------------
WATERMARKS = [
    (Watermark("m.png", width="64", height="32"), OverlayStep("m.png", 64, 32, 576, 328, 1.0)),
    (
        Watermark("m.png", width="64", height="32", gravity="northwest", xoffset="10", yoffset="5", opacity=0.5),
        OverlayStep("m.png", 64, 32, 10, 5, 0.5),
    ),
    (Watermark("m.png", width="10%", height="10%", gravity="center"), OverlayStep("m.png", 64, 36, 288, 162, 1.0)),
    (Watermark("m.png", width="2000", height="20", gravity="northwest"), OverlayStep("m.png", 640, 20, 0, 0, 1.0)),
    # One side given: the other follows the image, so that axis is placed by overlay itself.
    (
        Watermark("m.png", width="100", gravity="southeast", xoffset="10", yoffset="5"),
        OverlayStep("m.png", 100, -1, 530, "main_h-overlay_h-5", 1.0),
    ),
    (
        Watermark("m.png", height="36", gravity="center", xoffset="-4"),
        OverlayStep("m.png", -1, 36, "(main_w-overlay_w)/2-4", 162, 1.0),
    ),
    (
        Watermark("m.png", height="36", gravity="east", xoffset="-4"),
        OverlayStep("m.png", -1, 36, "main_w-overlay_w+4", 162, 1.0),
    ),
    (
        Watermark("m.png", width="50", gravity="northwest", xoffset="3", yoffset="7"),
        OverlayStep("m.png", 50, -1, 3, 7, 1.0),
    ),
    (
        Watermark("m.png", width="50", gravity="west", opacity=0),
        OverlayStep("m.png", 50, -1, 0, "(main_h-overlay_h)/2+0", 0.0),
    ),
]


@pytest.mark.parametrize(("watermark", "overlay"), WATERMARKS)
def test_watermark(watermark, overlay):
    applied = apply(watermark)

    assert applied.video == (overlay,)
    assert applied.geometry == BASE


@pytest.mark.parametrize("opacity", [1.01, -0.1, 2, -1])
def test_watermark_opacity_out_of_range(opacity):
    with pytest.raises(TransformError) as caught:
        apply(Watermark("m.png", width="10", opacity=opacity))

    assert caught.value.field == "watermark.opacity"


@pytest.mark.parametrize(
    ("watermark", "field"),
    [
        (Watermark("m.png"), "watermark"),
        (Watermark("m.png", width="0"), "watermark.width"),
        (Watermark("m.png", width="10", xoffset="1h"), "watermark.xoffset"),
        (Watermark("m.png", width="10", yoffset="a"), "watermark.yoffset"),
    ],
)
def test_watermark_rejects(watermark, field):
    with pytest.raises(TransformError) as caught:
        apply(watermark)

    assert caught.value.field == field


# --- rotate -------------------------------------------------------------------------------
ROTATIONS = [
    (0, (), (640, 360)),
    (360, (), (640, 360)),
    (90, (step("transpose", "clock"),), (360, 640)),
    (-270, (step("transpose", "clock"),), (360, 640)),
    (270, (step("transpose", "cclock"),), (360, 640)),
    (-90, (step("transpose", "cclock"),), (360, 640)),
    (180, (step("hflip"), step("vflip")), (640, 360)),
    (45, (step("rotate", "45.0*PI/180", fillcolor="black"),), (640, 360)),
    (-30, (step("rotate", "330.0*PI/180", fillcolor="black"),), (640, 360)),
]


@pytest.mark.parametrize(("degrees", "steps", "result"), ROTATIONS)
def test_rotate(degrees, steps, result):
    applied = apply(Rotate(degrees=degrees))

    assert applied.video == steps
    assert size(applied) == result


# --- aspect ratio -------------------------------------------------------------------------
ASPECTS = [
    (AspectRatio("16:9", "crop"), (), (640, 360)),
    (AspectRatio("4:3", "crop"), (step("crop", 480, 360),), (480, 360)),
    (AspectRatio("4:3", "pad"), (step("pad", 640, 480, "(ow-iw)/2", "(oh-ih)/2", color="black"),), (640, 480)),
    (AspectRatio("4:3", "stretch"), (step("scale", 480, 360), step("setsar", "1")), (480, 360)),
    (AspectRatio("21:9", "crop"), (step("crop", 640, 274),), (640, 274)),
    (AspectRatio("21:9", "pad"), (step("pad", 840, 360, "(ow-iw)/2", "(oh-ih)/2", color="black"),), (840, 360)),
    (AspectRatio("1/1", "crop"), (step("crop", 360, 360),), (360, 360)),
    (AspectRatio("9x16", "pad"), (step("pad", 640, 1138, "(ow-iw)/2", "(oh-ih)/2", color="black"),), (640, 1138)),
    (AspectRatio("1.85:1", "stretch"), (step("scale", 666, 360), step("setsar", "1")), (666, 360)),
]


@pytest.mark.parametrize(("aspect", "steps", "result"), ASPECTS)
def test_aspect_ratio(aspect, steps, result):
    applied = apply(aspect)

    assert applied.video == steps
    assert size(applied) == result


@pytest.mark.parametrize("ratio", ["abc", "0:1", "16:0", "16", "", "-4:3"])
def test_aspect_ratio_rejects(ratio):
    with pytest.raises(TransformError) as caught:
        apply(AspectRatio(ratio))

    assert caught.value.field == "aspect_ratio"
    with pytest.raises(TransformError):
        parse_ratio(ratio)


# --- fps, deinterlace ---------------------------------------------------------------------
@pytest.mark.parametrize(("fps", "value"), [(30, 30.0), (29.97002997, 29.97), (120, 120.0), (0.5, 0.5)])
def test_fps(fps, value):
    assert apply(FrameRate(fps)).video == (step("fps", fps=value),)


@pytest.mark.parametrize("fps", [0, -1, 121])
def test_fps_rejects(fps):
    with pytest.raises(TransformError) as caught:
        apply(FrameRate(fps))

    assert caught.value.field == "fps"


def test_deinterlace_only_touches_interlaced_frames():
    applied = apply(Deinterlace())

    assert applied.video == (step("bwdif", mode="send_frame", parity="auto", deint="interlaced"),)
    assert applied.geometry == BASE


# --- chains -------------------------------------------------------------------------------
def test_each_transformation_sees_the_one_before():
    applied = apply(
        Trim(start_time=1, duration=4),
        Resize(width="320"),
        Crop(width="50%", height="100%", gravity="west"),
        Rotate(90),
        Watermark("m.png", width="50%", height="10%", gravity="southeast"),
    )

    assert applied.geometry == Geometry(180, 160, 4.0)
    assert [s.name if isinstance(s, FilterStep) else "overlay" for s in applied.video] == [
        "trim",
        "setpts",
        "scale",
        "setsar",
        "crop",
        "transpose",
        "overlay",
    ]
    assert applied.video[4] == step("crop", 160, 180, 0, 0)
    assert applied.video[-1] == OverlayStep("m.png", 90, 16, 90, 144, 1.0)
    assert [s.name for s in applied.audio] == ["atrim", "asetpts"]


def test_no_transformations_change_nothing():
    assert apply() == apply_transformations((), BASE)
    assert apply().video == () and apply().geometry == BASE


def test_filter_step_options():
    assert step("scale", 1, 2, flags="lanczos").options() == {"flags": "lanczos"}

"""Transformations → filter steps, tracking the picture's geometry as each one applies.

Lengths follow the request API's rules: 100, "100" or "100px" are pixels; "50%" is a
share of the same side; "50h" (for a width) is a share of the height and "50w" (for a
height) a share of the width. Each transformation sees the result of the one before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from .ladder import even
from .spec import (
    GRAVITIES,
    AspectRatio,
    Crop,
    Deinterlace,
    FrameRate,
    Resize,
    Rotate,
    Transformation,
    Trim,
    Watermark,
)

_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(px|%|h|w)?\s*$")


class TransformError(ValueError):
    """A transformation that cannot apply to this picture (names the field at fault)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Geometry:
    width: int
    height: int
    duration: float


@dataclass(frozen=True)
class FilterStep:
    name: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()

    def options(self) -> dict[str, Any]:
        return dict(self.kwargs)


@dataclass(frozen=True)
class OverlayStep:
    """Overlay an image input (the watermark) at x, y after scaling it to width × height."""

    source: str
    width: int  # -1: follows the image's aspect from the other side
    height: int
    x: int | str  # an overlay expression where the mark's size is known only once scaled
    y: int | str
    opacity: float


VideoStep = FilterStep | OverlayStep


@dataclass(frozen=True)
class Applied:
    video: tuple[VideoStep, ...]
    audio: tuple[FilterStep, ...]
    geometry: Geometry


def step(name: str, *args: Any, **kwargs: Any) -> FilterStep:
    return FilterStep(name, args, tuple(kwargs.items()))


def parse_length(value: Any, *, own: int, other: int, other_suffix: str, field: str) -> int:
    """A length for one side: pixels, "%" of this side, or other_suffix ("h"/"w") of the other."""
    match = _LENGTH.match(str(value)) if value is not None else None
    if not match:
        raise TransformError(field, f"'{value}' is not a length (use 100, '100px', '50%' or '50{other_suffix}')")
    number, unit = float(match.group(1)), match.group(2) or "px"
    if unit == "px":
        return int(round(number))
    if unit == "%":
        return int(round(own * number / 100))
    if unit == other_suffix:
        return int(round(other * number / 100))
    raise TransformError(field, f"'{value}': use '%' or '{other_suffix}' for this side")


def parse_offset(value: Any, *, side: int, field: str) -> int:
    match = _LENGTH.match(str(value if value is not None else 0))
    if not match or match.group(2) in {"h", "w"}:
        raise TransformError(field, f"'{value}' is not an offset (use 100, '100px' or '10%')")
    number = float(match.group(1))
    return int(round(side * number / 100)) if match.group(2) == "%" else int(round(number))


def _sides(width: Any, height: Any, geometry: Geometry, field: str) -> tuple[int | None, int | None]:
    if width in (None, "") and height in (None, ""):
        raise TransformError(field, "one of width or height is required")
    w = h = None
    if width not in (None, ""):
        w = parse_length(width, own=geometry.width, other=geometry.height, other_suffix="h", field=f"{field}.width")
    if height not in (None, ""):
        h = parse_length(height, own=geometry.height, other=geometry.width, other_suffix="w", field=f"{field}.height")
    for name, value in (("width", w), ("height", h)):
        if value is not None and value <= 0:
            raise TransformError(f"{field}.{name}", "must be greater than 0")
    return w, h


def gravity_position(
    gravity: str, *, outer: tuple[int, int], inner: tuple[int, int], offset: tuple[int, int]
) -> tuple[int, int]:
    """Top-left corner of `inner` placed in `outer` by gravity; offsets push away from the anchored edge."""
    if gravity not in GRAVITIES:
        raise TransformError("gravity", f"'{gravity}' must be one of {', '.join(GRAVITIES)}")
    (ow, oh), (iw, ih), (dx, dy) = outer, inner, offset
    if "east" in gravity:
        x = ow - iw - dx
    elif "west" in gravity:
        x = dx
    else:
        x = (ow - iw) // 2 + dx
    if gravity.startswith("south"):
        y = oh - ih - dy
    elif gravity.startswith("north"):
        y = dy
    else:
        y = (oh - ih) // 2 + dy
    return x, y


def _check_gravity(gravity: str, field: str) -> None:
    if gravity not in GRAVITIES:
        raise TransformError(field, f"'{gravity}' must be one of {', '.join(GRAVITIES)}")


def overlay_axis(gravity: str, axis: str, offset: int) -> int | str:
    """Position on one axis as an overlay expression, for a mark whose size there is unknown."""
    side = "w" if axis == "x" else "h"
    far, near = ("east", "west") if axis == "x" else ("south", "north")
    if far in gravity:
        return f"main_{side}-overlay_{side}{-offset:+d}"
    if near in gravity:
        return offset
    return f"(main_{side}-overlay_{side})/2{offset:+d}"


def fit_within(
    width: int, height: int, box_w: int | None, box_h: int | None, *, upscale: bool, aspect: float | None = None
) -> tuple[int, int]:
    """Scale (width, height) to fit the box, keeping aspect; never larger unless upscale.

    `aspect` is the picture's true width over height when (width, height) had an odd side
    trimmed (a 720x405 source decodes at 720x404): the side the box limits is taken as the box
    has it, and the other follows the true aspect, so a 640x360 box gets 640x360, not 642x360."""
    if not upscale and (box_w or width) >= width and (box_h or height) >= height:
        return even(width), even(height)  # the box holds the whole picture
    ratio = aspect or width / height
    new_w: float
    new_h: float
    if box_w and (not box_h or box_w / box_h <= ratio):
        new_w, new_h = box_w, box_w / ratio
    elif box_h:
        new_w, new_h = box_h * ratio, box_h
    else:
        new_w, new_h = width, height
    if not upscale and (new_w > width or new_h > height):
        new_w, new_h = width, height
    return even(new_w), even(new_h)


def _resize(t: Resize, g: Geometry) -> Applied:
    w, h = _sides(t.width, t.height, g, "resize")
    new_w, new_h = fit_within(g.width, g.height, w, h, upscale=t.upscale)
    steps = () if (new_w, new_h) == (g.width, g.height) else (step("scale", new_w, new_h), step("setsar", "1"))
    return Applied(steps, (), replace(g, width=new_w, height=new_h))


def _crop(t: Crop, g: Geometry) -> Applied:
    _check_gravity(t.gravity, "crop.gravity")
    w, h = _sides(t.width, t.height, g, "crop")
    w = even(min(w if w is not None else g.width, g.width))
    h = even(min(h if h is not None else g.height, g.height))
    dx = parse_offset(t.xoffset, side=g.width, field="crop.xoffset")
    dy = parse_offset(t.yoffset, side=g.height, field="crop.yoffset")
    x, y = gravity_position(t.gravity, outer=(g.width, g.height), inner=(w, h), offset=(dx, dy))
    x, y = max(0, min(x, g.width - w)), max(0, min(y, g.height - h))
    return Applied((step("crop", w, h, x, y),), (), replace(g, width=w, height=h))


def _trim(t: Trim, g: Geometry) -> Applied:
    start = max(0.0, float(t.start_time or 0))
    if t.duration is not None and float(t.duration) < 0:
        raise TransformError("trim.duration", "must not be negative")
    if start >= g.duration > 0:
        raise TransformError("trim.start_time", f"{start:g}s is past the end of the video ({g.duration:.2f}s)")
    remaining = max(0.0, g.duration - start)
    duration = min(float(t.duration), remaining) if t.duration else remaining
    video_kwargs: dict[str, Any] = {"start": start}
    if t.duration:
        video_kwargs["duration"] = duration
    video = (step("trim", **video_kwargs), step("setpts", "PTS-STARTPTS"))
    audio = (step("atrim", **video_kwargs), step("asetpts", "PTS-STARTPTS"))
    return Applied(video, audio, replace(g, duration=duration))


def _watermark(t: Watermark, g: Geometry) -> Applied:
    if not 0 <= float(t.opacity) <= 1:
        raise TransformError("watermark.opacity", "must be a number between 0 and 1")
    _check_gravity(t.gravity, "watermark.gravity")
    w, h = _sides(t.width, t.height, g, "watermark")
    # A missing side is filled in by the overlay image's own aspect: -1 tells scale to keep it.
    w = even(min(w, g.width)) if w is not None else -1
    h = even(min(h, g.height)) if h is not None else -1
    dx = parse_offset(t.xoffset, side=g.width, field="watermark.xoffset")
    dy = parse_offset(t.yoffset, side=g.height, field="watermark.yoffset")
    x: int | str
    y: int | str
    x, y = gravity_position(t.gravity, outer=(g.width, g.height), inner=(max(w, 0), max(h, 0)), offset=(dx, dy))
    # A side left to the image's own aspect is only known to ffmpeg: let overlay place it.
    if w < 0:
        x = overlay_axis(t.gravity, "x", dx)
    if h < 0:
        y = overlay_axis(t.gravity, "y", dy)
    return Applied((OverlayStep(t.source, w, h, x, y, float(t.opacity)),), (), g)


def _rotate(t: Rotate, g: Geometry) -> Applied:
    degrees = float(t.degrees) % 360
    if degrees == 0:
        return Applied((), (), g)
    if degrees == 90:
        return Applied((step("transpose", "clock"),), (), replace(g, width=g.height, height=g.width))
    if degrees == 270:
        return Applied((step("transpose", "cclock"),), (), replace(g, width=g.height, height=g.width))
    if degrees == 180:
        return Applied((step("hflip"), step("vflip")), (), g)
    return Applied((step("rotate", f"{degrees}*PI/180", fillcolor="black"),), (), g)


def parse_ratio(text: str) -> float:
    match = re.match(r"^\s*(\d+(?:\.\d+)?)\s*[:/x]\s*(\d+(?:\.\d+)?)\s*$", str(text))
    if not match or float(match.group(2)) == 0 or float(match.group(1)) == 0:
        raise TransformError("aspect_ratio", f"'{text}' is not a ratio like 16:9")
    return float(match.group(1)) / float(match.group(2))


def _aspect(t: AspectRatio, g: Geometry) -> Applied:
    ratio = parse_ratio(t.ratio)
    current = g.width / g.height
    if abs(current - ratio) < 0.01:
        return Applied((), (), g)
    if t.mode == "stretch":
        w, h = even(g.height * ratio), g.height
        return Applied((step("scale", w, h), step("setsar", "1")), (), replace(g, width=w, height=h))
    if t.mode == "crop":
        w, h = (even(g.height * ratio), g.height) if current > ratio else (g.width, even(g.width / ratio))
        return Applied((step("crop", w, h),), (), replace(g, width=w, height=h))
    w, h = (g.width, even(g.width / ratio)) if current > ratio else (even(g.height * ratio), g.height)
    pad = step("pad", w, h, "(ow-iw)/2", "(oh-ih)/2", color="black")
    return Applied((pad,), (), replace(g, width=w, height=h))


def _fps(t: FrameRate, g: Geometry) -> Applied:
    if not 0 < float(t.fps) <= 120:
        raise TransformError("fps", "must be between 0 and 120")
    return Applied((step("fps", fps=round(float(t.fps), 3)),), (), g)


def _deinterlace(t: Deinterlace, g: Geometry) -> Applied:
    # Only frames flagged interlaced are touched, so a progressive source passes unchanged.
    return Applied((step("bwdif", mode="send_frame", parity="auto", deint="interlaced"),), (), g)


_HANDLERS = {
    Resize: _resize,
    Crop: _crop,
    Trim: _trim,
    Watermark: _watermark,
    Rotate: _rotate,
    AspectRatio: _aspect,
    FrameRate: _fps,
    Deinterlace: _deinterlace,
}


def apply_transformations(transformations: tuple[Transformation, ...], geometry: Geometry) -> Applied:
    video: list[VideoStep] = []
    audio: list[FilterStep] = []
    for transformation in transformations:
        applied = _HANDLERS[type(transformation)](transformation, geometry)  # type: ignore[operator]
        video.extend(applied.video)
        audio.extend(applied.audio)
        geometry = applied.geometry
    return Applied(tuple(video), tuple(audio), geometry)

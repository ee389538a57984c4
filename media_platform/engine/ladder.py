"""Which renditions a source gets: the standard rungs, as enabled and as the source allows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from .probe import VideoStreamInfo
from .spec import AudioSettings, Rendition, VideoCodec, VideoSettings


@dataclass(frozen=True)
class Rung:
    short_side: int
    max_rate_kbps: int  # H.264 peak; other codecs scale it down
    audio_kbps: int
    preset: str


RUNGS: dict[str, Rung] = {
    "240p": Rung(240, 600, 64, "faster"),
    "360p": Rung(360, 1000, 96, "faster"),
    "480p": Rung(480, 1600, 128, "faster"),
    "720p": Rung(720, 3200, 128, "veryfast"),
    "1080p": Rung(1080, 5800, 128, "veryfast"),
    "1440p": Rung(1440, 10000, 160, "veryfast"),
    "2160p": Rung(2160, 18000, 160, "veryfast"),
}
DEFAULT_ENABLED = ("240p", "360p", "480p", "720p", "1080p")
# bunny's MP4 fallbacks stop at 720p.
MP4_FALLBACK_MAX = 720
CODEC_RATE_FACTOR = {"h264": 1.0, "h265": 0.65, "av1": 0.55, "vp9": 0.7}
CODEC_CRF = {"h264": 23, "h265": 26, "av1": 32, "vp9": 33}
# A source this close under a rung still gets it (a 1280x718 phone clip is "720p"), at its own size.
RUNG_TOLERANCE = 0.98
MAX_FPS = 60.0


def even(value: float) -> int:
    """Nearest even integer, at least 2: H.264 with 4:2:0 chroma needs even dimensions."""
    return max(2, int(round(value / 2.0)) * 2)


def rung_sort_key(name: str) -> int:
    rung = RUNGS.get(name)
    return rung.short_side if rung else int("".join(ch for ch in name if ch.isdigit()) or 0)


def parse_resolutions(text: str | Iterable[str]) -> list[str]:
    """ "240p,720p" (bunny's library setting) → known rung names, lowest first."""
    items = text.split(",") if isinstance(text, str) else list(text)
    names = {item.strip().lower() for item in items if item.strip()}
    return sorted((n for n in names if n in RUNGS), key=rung_sort_key)


def even_down(value: float) -> int:
    """Even integer at or below `value` (at least 2): rounding an odd side up would upscale it."""
    return max(2, int(value + 1e-6) // 2 * 2)


def display_size(video: VideoStreamInfo) -> tuple[int, int]:
    """The decoded picture's size: the display size (rotation and non-square pixels applied)
    made even by trimming at most a pixel (853x479 becomes 852x478, never stretched to 480
    lines). Every geometry of a plan starts from it; the aspect of smaller renditions does not
    (see `size_for_short_side`)."""
    return even_down(video.display_width), even_down(video.display_height)


def size_for_short_side(width: int, height: int, short_side: int, *, aspect: float | None = None) -> tuple[int, int]:
    """Scale (width, height) so its shorter side is `short_side`, keeping `aspect` (width over
    height; by default width / height). Give the unrounded display aspect: taken after an odd
    side was trimmed, a 720x405 source's 360p would come out 642x360 instead of 640x360."""
    ratio = aspect or width / height
    if width >= height:
        return even(short_side * ratio), even(short_side)
    return even(short_side), even(short_side / ratio)


def output_fps(video: VideoStreamInfo) -> float | None:
    """A constant output rate when the source's is variable or too high; None keeps the source's."""
    rate = video.frame_rate
    if rate and rate > MAX_FPS:
        return MAX_FPS
    if video.is_variable_frame_rate and rate:
        return round(rate, 3)
    return None


def build_ladder(
    video: VideoStreamInfo,
    enabled: Iterable[str] = DEFAULT_ENABLED,
    *,
    codec: VideoCodec = "h264",
    preset: str | None = None,
    upscale: bool = False,
) -> list[Rendition]:
    """Renditions for a source, lowest first. Never upscales unless asked; keeps aspect;
    portrait sources get portrait renditions (the name is the short side, as players expect)."""
    width, height = display_size(video)
    short = min(width, height)
    names = parse_resolutions(list(enabled)) or list(DEFAULT_ENABLED)
    fitting = [n for n in names if upscale or RUNGS[n].short_side * RUNG_TOLERANCE <= short]
    fps = output_fps(video)
    if not fitting:
        # Smaller than every enabled rung: one rendition at the source's own size, named for what
        # it is ("180p"), not for a rung it does not reach.
        return [rendition_for(f"{short}p", width, height, codec=codec, preset=preset, fps=fps, rung=names[0])]
    renditions = []
    for name in fitting:
        rung = RUNGS[name]
        target = rung.short_side if upscale else min(rung.short_side, short)
        # At the source's own size, the decoded picture as it is; below it, the true aspect.
        w, h = (
            (width, height)
            if target == short
            else size_for_short_side(width, height, target, aspect=video.display_aspect)
        )
        renditions.append(rendition_for(name, w, h, codec=codec, preset=preset, fps=fps))
    return renditions


def rendition_for(
    name: str,
    width: int,
    height: int,
    *,
    codec: VideoCodec = "h264",
    preset: str | None = None,
    fps: float | None = None,
    rung: str | None = None,
) -> Rendition:
    """A rendition named `name`, with the bitrates of `rung` (default: the rung of that name)."""
    table = RUNGS.get(rung or name) or RUNGS["720p"]
    peak = int(table.max_rate_kbps * CODEC_RATE_FACTOR[codec])
    video = VideoSettings(
        codec=codec,
        crf=CODEC_CRF[codec],
        max_rate_kbps=peak,
        bufsize_kbits=peak * 2,
        preset=preset or table.preset,
        fps=fps,
    )
    return Rendition(
        name=name, width=width, height=height, video=video, audio=AudioSettings(bitrate_kbps=table.audio_kbps)
    )


def mp4_fallback_names(renditions: Iterable[Rendition]) -> list[str]:
    return [r.name for r in renditions if rung_sort_key(r.name) <= MP4_FALLBACK_MAX]


def with_preset(renditions: Iterable[Rendition], preset: str) -> list[Rendition]:
    return [replace(r, video=replace(r.video, preset=preset)) for r in renditions]

"""bunny's output codecs (EncoderOutputCodec: 0 x264, 1 vp9, 2 hevc, 3 av1) and what they are here.

x264 is the HLS ladder every video gets (MPEG-TS segments, MP4 fallbacks, thumbnails come with
it); each other codec is a second ladder, packaged as fMP4/CMAF under its own folder (`vp9/`…)
with an MPD and HLS playlists, and listed in the video's master beside the H.264 renditions.
A codec is offered only where this ffmpeg has its encoder.
"""

from __future__ import annotations

import functools
import subprocess

from django.conf import settings

from media_platform.engine.spec import VideoCodec

CODECS = ("x264", "vp9", "hevc", "av1")  # by EncoderOutputCodec number
ENGINE_CODECS: dict[str, VideoCodec] = {"x264": "h264", "vp9": "vp9", "hevc": "h265", "av1": "av1"}
ENCODERS = {"x264": "libx264", "vp9": "libvpx-vp9", "hevc": "libx265", "av1": "libsvtav1"}
# ffprobe's codec names of the outputs → bunny's
PROBED = {"h264": "x264", "vp9": "vp9", "hevc": "hevc", "av1": "av1"}


class UnknownCodec(ValueError):
    pass


@functools.cache
def _encoders(binary: str) -> frozenset[str]:
    try:
        result = subprocess.run([binary, "-hide_banner", "-encoders"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(line.split()[1] for line in result.stdout.splitlines() if len(line.split()) > 1)


def available_codecs() -> tuple[str, ...]:
    encoders = _encoders(settings.FFMPEG_BINARY)
    return tuple(codec for codec in CODECS if ENCODERS[codec] in encoders)


def codec_named(value: str) -> str:
    """A codec from its EncoderOutputCodec number or its name; UnknownCodec otherwise."""
    text = str(value).strip().lower()
    name = CODECS[int(text)] if text.isdigit() and int(text) < len(CODECS) else text
    if name not in CODECS:
        raise UnknownCodec(f"Unknown output codec {value!r}: one of {', '.join(CODECS)} (or 0-3).")
    if name not in available_codecs():
        raise UnknownCodec(f"The {name} encoder is not available on this platform.")
    return name


def parse_output_codecs(text: str) -> list[str]:
    """ "x264,vp9" → ["x264", "vp9"]: known, available, in bunny's order, x264 always first."""
    names = {codec_named(item) for item in text.split(",") if item.strip()}
    return [codec for codec in CODECS if codec in names | {"x264"}]


def codecs_text(codecs: list[str]) -> str:
    return ",".join(codec for codec in CODECS if codec in codecs)


def probed_codecs(names) -> list[str]:
    """bunny's names of the video codecs ffprobe found in the outputs, x264 first."""
    found = {PROBED[name] for name in names if name in PROBED}
    return [codec for codec in CODECS if codec in found]


def upload_codecs(text: str | None, library) -> list[str] | None:
    """enabledOutputCodecs of an upload: None (the library's) when absent; refused in a library
    that encrypts its HLS, where only the H.264 ladder is encrypted."""
    if not text or not text.strip():
        return None
    codecs = parse_output_codecs(text)
    if codecs != ["x264"] and library.encrypt_hls:
        raise UnknownCodec("Only x264 is available in a library that encrypts its HLS.")
    return codecs

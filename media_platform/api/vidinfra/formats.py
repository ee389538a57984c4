"""One entry of `format[]`: checked field by field, and echoed with every key the service's example
response lists (defaults filled), plus the keys of its own output type.

Outputs: mp4, hls / advanced_hls (stream[] → a ladder), advanced_mp4 (one MP4 per stream),
advanced_dash (stream[] → an MPD over CMAF segments, the sound apart; unencrypted, the same
segments are also listed in HLS playlists, `<playlist stem>-cmaf.m3u8`), thumbnail, gif,
speech_to_text (transcript, json, srt, vtt: 1 for each file wanted, at least one; mode fast,
balanced or accurate, balanced when not given). `encryption` (hls, advanced_hls) and `cenc_drm`
(mp4, advanced_mp4, advanced_dash): see protection.py.

hdr_to_sdr (mp4, and the ladders when given): 1 tone-maps an HDR source (PQ/HLG) to SDR BT.709;
without it HDR is kept: 10-bit with the source's colour tags for libx265 and libsvtav1, 8-bit with
those tags for libx264 (which players decode as SDR; a Warning says so). Images are always SDR.

Accepted and echoed but not applied: optimize_bitrate, adjust_crf, min_crf and max_crf (the
encoder's CRF rate control already adapts the bitrate to the content; the per-title VMAF search
serves the request API's quality presets), the colour fields (outputs keep the source's colour
description, BT.709 when tone-mapped), and the speech_to_text fields (transcript, json, srt, vtt,
mode) on other outputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from media_platform.api.common.fields import FieldErrors, at
from media_platform.api.common.locations import Place, PlaceChecks
from media_platform.engine.names import name_problem
from media_platform.engine.transforms import TransformError, parse_ratio
from media_platform.storage.s3 import S3Location

from . import protection, video
from .fields import Bool, Flag, Number, Text, Time, obj, read
from .locations import s3_object

OUTPUTS = ("mp4", "hls", "advanced_hls", "advanced_mp4", "advanced_dash", "thumbnail", "gif", "speech_to_text")
HLS = ("hls", "advanced_hls")
LADDERS = (*HLS, "advanced_mp4", "advanced_dash")
VIDEO = ("mp4", *LADDERS)
IMAGE_FORMATS = ("jpg", "jpeg", "png", "webp")
SPEECH_MODES = ("fast", "balanced", "accurate")
# speech_to_text's flags and the file each one writes at the destination.
SPEECH_FILES = {
    "transcript": "transcript.txt",
    "json": "transcript.json",
    "srt": "subtitles.srt",
    "vtt": "subtitles.vtt",
}
SAMPLE_RATES = (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000)
ECHO_ORDER = (
    "output", "separate_audio", "destination", "stream", "audio_mute", "subtitles", "cenc_drm", "allow_soft_fail",
    "optimize_bitrate", "playlist_name", "segment_duration", "encryption", "image_format", "time", "height",
    "width", "framerate", "quality", "transcript", "json", "srt", "vtt", "mode", "deinterlace",
)  # fmt: skip
COMMON_KINDS = {
    "separate_audio": Bool(),
    "audio_mute": Bool(),
    "allow_soft_fail": Flag(),
    "optimize_bitrate": Flag(),
    "playlist_name": Text(max_length=200),
    "segment_duration": Number(high=60, text=True),
    "image_format": Text(lower=True, max_length=10),
    "time": Time(),
    "height": Number(integer=True, high=8192),
    "width": Number(integer=True, high=8192),
    "framerate": Number(high=120),
    "quality": Number(integer=True, high=63),
    "transcript": Flag(),
    "json": Flag(),
    "srt": Flag(),
    "vtt": Flag(),
    "mode": Text(max_length=50),
    "deinterlace": Bool(),
}
VIDEO_KINDS = {
    "upscale": Bool(),
    "audio_bitrate": Number(high=512, text=True),
    "audio_sample_rate": Number(integer=True, high=96000, text=True),
    "audio_channels_number": Number(integer=True, high=8, text=True),
}
MP4_KINDS = {
    "video_codec": Text(choices=tuple(video.CODECS), lower=True),
    "bitrate": Number(high=500_000, text=True),
    "keyframe": Number(integer=True, high=10_000),
    "aspect_ratio": Text(max_length=20),
    "resize_mode": Text(choices=("crop", "pad", "stretch"), lower=True),
    "rotate": Number(low=-360, high=360, text=True),
    "start_time": Time(),
    "duration": Time(),
    "adjust_crf": Number(integer=True, high=1, text=True),
    "min_crf": Number(integer=True, high=63, text=True),
    "max_crf": Number(integer=True, high=63, text=True),
    **{name: Text(max_length=30) for name in ("color_space", "color_range", "color_trc", "color_primaries")},
    "hdr_to_sdr": Flag(),
}


@dataclass
class Format:
    index: int
    output: str
    clean: dict[str, Any]
    echo: dict[str, Any]
    destination: S3Location | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"format[{self.index}]"


def read_format(errors: FieldErrors, data: Any, index: int, checks: PlaceChecks) -> Format | None:
    path = at("format", index)
    if not isinstance(data, dict):
        errors.add(path, "each format must be an object")
        return None
    output = data.get("output")
    if output not in OUTPUTS:
        errors.add(at(path, "output"), f"output must be one of: {', '.join(OUTPUTS)}")
        return None
    clean, echo = read(errors, data, path, COMMON_KINDS)
    fmt = Format(index, output, clean, {"output": output, **echo, "stream": None, "subtitles": None})
    clean["encryption"], fmt.echo["encryption"] = protection.encryption(errors, data, path, output)
    clean["cenc_drm"], fmt.echo["cenc_drm"] = protection.cenc(errors, data, path, output)
    _destination(errors, data, fmt, checks)
    if output in VIDEO:
        _video(errors, data, fmt, checks)
    if output == "thumbnail":
        _thumbnail(errors, fmt)
    if output == "speech_to_text":
        _speech(errors, fmt)
    ordered = {name: fmt.echo[name] for name in ECHO_ORDER}
    fmt.echo = {**ordered, **{k: v for k, v in fmt.echo.items() if k not in ordered}}
    return fmt


def _destination(errors: FieldErrors, data: dict, fmt: Format, checks: PlaceChecks) -> None:
    """Optional: a format without one is written to the library's own storage."""
    value = obj(errors, data, fmt.path, "destination")
    fmt.echo["destination"] = None
    if value is None:
        return
    storage = s3_object(errors, value, at(fmt.path, "destination"), destination=True)
    if storage is not None:
        fmt.destination = storage.location
        fmt.echo["destination"] = storage.echo
        checks.add(at(fmt.path, "destination"), Place(storage.location, write=True))


def _video(errors: FieldErrors, data: dict, fmt: Format, checks: PlaceChecks) -> None:
    path, clean = fmt.path, fmt.clean
    extra, echo = read(errors, data, path, VIDEO_KINDS)
    clean.update(extra)
    fmt.echo.update(echo)
    if clean["audio_sample_rate"] is not None and clean["audio_sample_rate"] not in SAMPLE_RATES:
        errors.add(at(path, "audio_sample_rate"), f"audio_sample_rate must be one of: {SAMPLE_RATES}")
    clean["subtitles"], fmt.echo["subtitles"] = video.subtitles(errors, data, path, checks)
    if fmt.output in LADDERS:
        clean["stream"], fmt.echo["stream"] = video.streams(errors, data, path)
        if "hdr_to_sdr" in data:  # shown on mp4 in the service's example; a ladder takes it too
            hdr, hdr_echo = read(errors, data, path, {"hdr_to_sdr": Flag()})
            clean.update(hdr)
            fmt.echo.update(hdr_echo)
        if fmt.output in HLS:
            _hls(errors, fmt)
        if fmt.output == "advanced_dash":
            _dash(errors, fmt)
    else:
        _mp4(errors, data, fmt, checks)


def _hls(errors: FieldErrors, fmt: Format) -> None:
    path, clean = fmt.path, fmt.clean
    for number, stream in enumerate(clean["stream"]):
        if stream["video_codec"] == "libsvtav1":
            errors.add(at(at(at(path, "stream"), number), "video_codec"), "video_codec libsvtav1 (AV1) cannot be "
                       "segmented as MPEG-TS for HLS: use libx264 or libx265")  # fmt: skip
    clean["playlist_name"] = clean["playlist_name"] or "master.m3u8"
    fmt.echo["playlist_name"] = clean["playlist_name"]
    problem = name_problem(clean["playlist_name"])
    if problem or not clean["playlist_name"].endswith(".m3u8"):
        errors.add(at(path, "playlist_name"), f"playlist_name {problem or 'must end with .m3u8'}")
    if clean["segment_duration"] is None:
        clean["segment_duration"], fmt.echo["segment_duration"] = 6, "6"
    elif clean["segment_duration"] < 1:
        errors.add(at(path, "segment_duration"), "segment_duration must be at least 1 second")


def _dash(errors: FieldErrors, fmt: Format) -> None:
    path, clean = fmt.path, fmt.clean
    clean["playlist_name"] = clean["playlist_name"] or "playlist.mpd"
    fmt.echo["playlist_name"] = clean["playlist_name"]
    problem = name_problem(clean["playlist_name"])
    if problem or "/" in clean["playlist_name"] or not clean["playlist_name"].endswith(".mpd"):
        errors.add(at(path, "playlist_name"), f"playlist_name {problem or 'must be a file name ending with .mpd'}")
    if clean["segment_duration"] is None:
        clean["segment_duration"], fmt.echo["segment_duration"] = 6, "6"
    elif clean["segment_duration"] < 1:
        errors.add(at(path, "segment_duration"), "segment_duration must be at least 1 second")
    if clean["subtitles"] and (clean["subtitles"]["sources"] or clean["subtitles"]["copy"]):
        fmt.notes.append(f"{path}: subtitles are not added to DASH output (an hls output carries them)")


def dash_hls_master(playlist_name: str) -> str:
    return playlist_name.removesuffix(".mpd") + "-cmaf.m3u8"


def _mp4(errors: FieldErrors, data: dict, fmt: Format, checks: PlaceChecks) -> None:
    path, clean = fmt.path, fmt.clean
    extra, echo = read(errors, data, path, MP4_KINDS)
    clean.update(extra)
    clean["video_codec"] = clean["video_codec"] or "libx264"
    fmt.echo.update(echo, video_codec=clean["video_codec"])
    codec = video.CODECS[clean["video_codec"]]
    clean["params"], fmt.echo["video_codec_parameters"] = video.codec_parameters(errors, data, path, codec, fmt.notes)
    clean["logo"], fmt.echo["logo"] = video.logo(errors, data, path, checks)
    if clean["quality"] is not None and codec != "av1" and clean["quality"] > 51:
        errors.add(at(path, "quality"), f"quality (CRF) must be at most 51 for {clean['video_codec']}")
    if clean["aspect_ratio"]:
        try:
            parse_ratio(clean["aspect_ratio"])
        except TransformError:
            errors.add(at(path, "aspect_ratio"), "aspect_ratio must be a ratio like 16:9")
    if clean["min_crf"] and clean["max_crf"] and clean["min_crf"] > clean["max_crf"]:
        errors.add(at(path, "min_crf"), "min_crf must not be greater than max_crf")


def _thumbnail(errors: FieldErrors, fmt: Format) -> None:
    image_format = fmt.clean["image_format"] or "jpg"
    if image_format not in IMAGE_FORMATS:
        errors.add(at(fmt.path, "image_format"), f"image_format must be one of: {', '.join(IMAGE_FORMATS)}")
    fmt.clean["image_format"] = "jpg" if image_format == "jpeg" else image_format
    fmt.echo["image_format"] = image_format


def _speech(errors: FieldErrors, fmt: Format) -> None:
    clean = fmt.clean
    if not any(clean[flag] for flag in SPEECH_FILES):
        errors.add(at(fmt.path, "transcript"), "ask for at least one of transcript, json, srt, vtt (set it to 1)")
    mode = (clean["mode"] or "balanced").lower()
    if mode not in SPEECH_MODES:
        errors.add(at(fmt.path, "mode"), f"mode must be one of: {', '.join(SPEECH_MODES)}")
    clean["mode"] = fmt.echo["mode"] = mode


# --- What each format writes, relative to its destination ----------------------------------
def rendition_names(streams: list[dict]) -> list[str]:
    """ "1080p" (or "1280w", or "source"), made unique with "-2", "-3"."""
    names: list[str] = []
    for stream in streams:
        base = f"{stream['height']}p" if stream["height"] else f"{stream['width']}w" if stream["width"] else "source"
        name, number = base, 2
        while name in names:
            name, number = f"{base}-{number}", number + 1
        names.append(name)
    return names


def file_names(fmt: Format) -> list[str]:
    """The first path component of everything the format writes: what two formats sharing a
    destination must not both write."""
    clean = fmt.clean
    if fmt.output in HLS:
        names = [clean["playlist_name"].split("/", 1)[0], *rendition_names(clean["stream"])]
        if clean["separate_audio"]:
            names.append("audio")
        if clean["subtitles"] and (clean["subtitles"]["sources"] or clean["subtitles"]["copy"]):
            names.append("subtitles")
        return names
    if fmt.output == "advanced_mp4":
        return [f"{name}.mp4" for name in rendition_names(clean["stream"])]
    if fmt.output == "advanced_dash":  # its segments: init-0.m4s, chunk-0-00001.m4s, media_0.m3u8, …
        return [clean["playlist_name"], dash_hls_master(clean["playlist_name"]), "init-0.m4s"]
    if fmt.output == "mp4":
        return ["video.mp4"]
    if fmt.output == "thumbnail":
        return [f"thumbnail.{clean['image_format']}"]
    if fmt.output == "speech_to_text":
        return [name for flag, name in SPEECH_FILES.items() if clean[flag]]
    return ["animation.gif"]

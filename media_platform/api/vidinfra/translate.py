"""A checked vidinfra request → the engine's process: source, destination, jobs.

Each format's jobs write into a folder of their own on the worker (`f<index>`, see
presenters.format_prefix); a format with a `destination` has that folder uploaded under
the destination's `path`, a format without one lands in the library's storage under
`vidinfra/<folder>/f<index>/`. Files are named:

    mp4           video.mp4                  advanced_mp4  <height>p.mp4 per stream
    hls, advanced_hls  <playlist_name>, <height>p/video.m3u8 + segments, audio/ (separate_audio),
                  subtitles/<language>.vtt + .m3u8
    thumbnail     thumbnail.<image_format>   gif           animation.gif
    speech_to_text  transcript.txt (transcript), transcript.json (json), subtitles.srt (srt),
                  subtitles.vtt (vtt): those asked for

Sizes: `height`/`width` fit the picture within that box keeping its aspect (never larger than the
source unless `upscale`); `keyframe` counts frames (seconds = keyframe / framerate); `quality`
is the CRF; `bitrate` (kbps) caps it when both are given and sets an average bitrate alone.
The preset is the request's (video_codec_parameters.preset) or the platform's ENCODER_PRESET.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings

from media_platform.engine.ladder import CODEC_CRF
from media_platform.engine.spec import (
    AnimationJob,
    AspectRatio,
    AudioSettings,
    DashJob,
    Deinterlace,
    HlsJob,
    Job,
    Mp4Job,
    Rendition,
    Resize,
    Rotate,
    SpeechToTextJob,
    SubtitleTrack,
    ThumbnailJob,
    Transformation,
    Trim,
    VideoSettings,
    Watermark,
)

from .formats import HLS, SPEECH_FILES, Format, dash_hls_master, rendition_names
from .presenters import format_prefix
from .video import CODECS

GIF_FPS = 10.0


@dataclass(frozen=True)
class Translation:
    jobs: list[Job]
    job_destinations: list[dict | None]


def translate_formats(formats: list[Format], upscale: bool) -> Translation:
    jobs: list[Job] = []
    destinations: list[dict | None] = []
    for fmt in formats:
        made = TRANSLATORS[fmt.output](fmt, upscale)
        jobs += made
        destinations += [fmt.destination.to_json() if fmt.destination else None] * len(made)
    return Translation(jobs, destinations)


def _preset(fmt: Format) -> str | None:
    return (fmt.clean.get("params") or {}).get("preset") or settings.ENCODER_PRESET or None


def _video(item: dict, fmt: Format, *, keyframe, framerate, bitrate, quality) -> VideoSettings:
    codec = CODECS[item["video_codec"]]
    params = fmt.clean.get("params") or {}
    max_rate = params.get("max_rate")
    crf = quality if quality is not None else (None if bitrate else CODEC_CRF[codec])
    if crf is not None and bitrate and not max_rate:
        max_rate, bitrate = bitrate, None  # CRF capped at the bitrate
    gop = {}
    if keyframe:
        gop = {"gop_seconds": keyframe / framerate} if framerate else {"gop_frames": int(keyframe)}
    elif fmt.output in HLS:
        segment = fmt.clean["segment_duration"]
        gop = {"gop_seconds": segment / math.ceil(segment / 2)}  # keyframes that split segments evenly
    return VideoSettings(
        codec=codec,
        crf=int(crf) if crf is not None else None,
        bitrate_kbps=int(bitrate) if bitrate else None,
        max_rate_kbps=int(max_rate) if max_rate else None,
        min_rate_kbps=int(params["min_rate"]) if params.get("min_rate") else None,
        bufsize_kbits=int(params["bufsize"]) if params.get("bufsize") else None,
        preset=_preset(fmt),
        fps=float(framerate) if framerate else None,
        profile=params.get("vprofile"),
        level=params.get("level"),
        **gop,
    )


def _audio(fmt: Format) -> AudioSettings:
    clean = fmt.clean
    return AudioSettings(
        bitrate_kbps=int(clean["audio_bitrate"] or 128),
        sample_rate=clean["audio_sample_rate"],
        channels=clean["audio_channels_number"] or 2,
        mute=bool(clean["audio_mute"]),
    )


def _subtitles(fmt: Format) -> dict:
    subtitles = fmt.clean.get("subtitles")
    if not subtitles:
        return {}
    tracks = tuple(SubtitleTrack(source, language) for source, language in subtitles["sources"])
    return {"subtitles": tracks, "copy_subtitles": subtitles["copy"]}


def _common(fmt: Format) -> dict:
    transformations = (Deinterlace(),) if fmt.clean["deinterlace"] else ()
    return {
        "prefix": format_prefix(fmt.index),
        "allow_soft_fail": bool(fmt.clean["allow_soft_fail"]),
        # Without hdr_to_sdr an HDR source stays HDR (engine/plan/colour.py); images are SDR anyway.
        "hdr_to_sdr": bool(fmt.clean.get("hdr_to_sdr")),
        "transformations": transformations,
    }


def _upscale(fmt: Format, upscale: bool) -> bool:
    return fmt.clean["upscale"] if fmt.clean.get("upscale") is not None else upscale


def _renditions(fmt: Format, upscale: bool) -> list[Rendition]:
    renditions = []
    for name, stream in zip(rendition_names(fmt.clean["stream"]), fmt.clean["stream"], strict=True):
        video = _video(
            stream,
            fmt,
            keyframe=stream["keyframe"],
            framerate=stream["framerate"],
            bitrate=stream["bitrate"],
            quality=stream["quality"],
        )
        audio = _audio(fmt)
        renditions.append(Rendition(name, stream["height"], stream["width"], video, audio, _upscale(fmt, upscale)))
    return renditions


def _hls(fmt: Format, upscale: bool) -> list[Job]:
    clean = fmt.clean
    job = HlsJob(
        **_common(fmt),
        **_subtitles(fmt),
        renditions=tuple(_renditions(fmt, upscale)),
        segment_duration=float(clean["segment_duration"]),
        playlist_name=clean["playlist_name"],
        separate_audio=bool(clean["separate_audio"]),
        encryption=clean["encryption"],
    )
    return [job]


def _dash(fmt: Format, upscale: bool) -> list[Job]:
    clean = fmt.clean
    job = DashJob(
        **_common(fmt),
        renditions=tuple(_renditions(fmt, upscale)),
        segment_duration=float(clean["segment_duration"]),
        manifest_name=clean["playlist_name"],
        hls_playlist=clean["cenc_drm"] is None,
        hls_master_name=dash_hls_master(clean["playlist_name"]),
        cenc=clean["cenc_drm"],
    )
    return [job]


def _advanced_mp4(fmt: Format, upscale: bool) -> list[Job]:
    return [
        Mp4Job(
            **_common(fmt),
            **_subtitles(fmt),
            rendition=rendition,
            filename=f"{rendition.name}.mp4",
            cenc=fmt.clean["cenc_drm"],
        )
        for rendition in _renditions(fmt, upscale)
    ]


def _mp4_transformations(fmt: Format, upscale: bool) -> tuple[Transformation, ...]:
    """In this order: cut, deinterlace, turn, frame to the aspect ratio, size, then the logo on top
    (at its own size, top-left corner at x, y of the output)."""
    clean = fmt.clean
    steps: list[Transformation] = []
    if clean["start_time"] or clean["duration"]:
        steps.append(Trim(start_time=clean["start_time"] or 0.0, duration=clean["duration"]))
    steps += _common(fmt)["transformations"]
    if clean["rotate"]:
        steps.append(Rotate(degrees=float(clean["rotate"])))
    if clean["aspect_ratio"]:
        steps.append(AspectRatio(ratio=clean["aspect_ratio"], mode=clean["resize_mode"] or "pad"))
    if clean["width"] or clean["height"]:
        width, height = (str(clean[side]) if clean[side] else None for side in ("width", "height"))
        steps.append(Resize(width=width, height=height, upscale=_upscale(fmt, upscale)))
    if clean["logo"]:
        logo = clean["logo"]
        steps.append(Watermark(logo["source"], gravity="northwest", xoffset=str(logo["x"]), yoffset=str(logo["y"])))
    return tuple(steps)


def _mp4(fmt: Format, upscale: bool) -> list[Job]:
    clean = fmt.clean
    video = _video(
        clean,
        fmt,
        keyframe=clean["keyframe"],
        framerate=clean["framerate"],
        bitrate=clean["bitrate"],
        quality=clean["quality"],
    )
    name = f"{clean['height']}p" if clean["height"] else "source"
    job = Mp4Job(
        **{**_common(fmt), "transformations": _mp4_transformations(fmt, upscale)},
        **_subtitles(fmt),
        rendition=Rendition(name, video=video, audio=_audio(fmt)),
        filename="video.mp4",
        cenc=clean["cenc_drm"],
    )
    return [job]


def _thumbnail(fmt: Format, upscale: bool) -> list[Job]:
    clean = fmt.clean
    thumbnail = ThumbnailJob(
        **_common(fmt),
        time=clean["time"],
        width=clean["width"],
        height=clean["height"],
        filename=f"thumbnail.{clean['image_format']}",
    )
    return [thumbnail]


def _gif(fmt: Format, upscale: bool) -> list[Job]:
    clean = fmt.clean
    animation = AnimationJob(
        **_common(fmt),
        filename="animation.gif",
        width=clean["width"],
        height=clean["height"],
        fps=float(clean["framerate"] or GIF_FPS),
        frame_count=None,
    )
    return [animation]


def _speech(fmt: Format, upscale: bool) -> list[Job]:
    clean = fmt.clean
    names = {flag: name if clean[flag] else None for flag, name in SPEECH_FILES.items()}
    speech = SpeechToTextJob(
        prefix=_common(fmt)["prefix"],
        allow_soft_fail=bool(clean["allow_soft_fail"]),
        transcript_file=names["transcript"],
        json_file=names["json"],
        srt_file=names["srt"],
        vtt_file=names["vtt"],
        mode=clean["mode"],
    )
    return [speech]


TRANSLATORS = {
    "mp4": _mp4,
    "hls": _hls,
    "advanced_hls": _hls,
    "advanced_mp4": _advanced_mp4,
    "advanced_dash": _dash,
    "thumbnail": _thumbnail,
    "gif": _gif,
    "speech_to_text": _speech,
}

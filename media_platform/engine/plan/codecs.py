"""Encoder options for one rendition: the only place that knows libx264/libx265/libsvtav1/libvpx flags."""

from __future__ import annotations

from typing import Any

from ..spec import AudioSettings, VideoSettings

ENCODERS = {"h264": "libx264", "h265": "libx265", "av1": "libsvtav1", "vp9": "libvpx-vp9"}
AUDIO_ENCODERS = {"aac": "aac", "opus": "libopus"}
# svt-av1 presets are numbers (0 slowest … 13 fastest); map x264 names onto them.
SVT_PRESETS = {
    "ultrafast": 12,
    "superfast": 11,
    "veryfast": 10,
    "faster": 9,
    "fast": 8,
    "medium": 7,
    "slow": 5,
    "slower": 4,
    "veryslow": 2,
}
# libvpx has no preset names: a deadline and a cpu-used speed (higher is faster) instead.
VPX_SPEEDS = {
    "ultrafast": ("realtime", 8),
    "superfast": ("realtime", 7),
    "veryfast": ("realtime", 6),
    "faster": ("good", 5),
    "fast": ("good", 4),
    "medium": ("good", 3),
    "slow": ("good", 2),
    "slower": ("good", 1),
    "veryslow": ("good", 0),
}
# Every rendition of a ladder keys at the same instants: a fixed cadence, no scene-cut keyframes.
KEYFRAMES = "expr:gte(t,n_forced*{gop})"


def vp9_options(video: VideoSettings, gop_frames: int) -> dict[str, Any]:
    """Constrained quality: the CRF, capped at the rung's peak rate (b:v 0 is pure CRF)."""
    deadline, speed = VPX_SPEEDS.get(video.preset or "veryfast", VPX_SPEEDS["veryfast"])
    opts: dict[str, Any] = {"c:v": "libvpx-vp9", "pix_fmt": "yuv420p", "deadline": deadline, "cpu-used": speed}
    opts["row-mt"] = 1
    if video.crf is not None:
        opts["crf"] = round(video.crf)
        opts["b:v"] = f"{video.max_rate_kbps}k" if video.max_rate_kbps else "0"
    elif video.bitrate_kbps:
        opts["b:v"] = f"{video.bitrate_kbps}k"
    opts["g"] = opts["keyint_min"] = gop_frames
    opts["force_key_frames"] = KEYFRAMES.format(gop=video.gop_seconds)
    return opts


def video_options(video: VideoSettings, *, fps: float | None, threads: int = 0) -> dict[str, Any]:
    if video.codec == "vp9":
        vp9 = vp9_options(video, max(1, round((fps or 30.0) * video.gop_seconds)))
        if video.fps:
            vp9["r"] = round(video.fps, 3)
        if threads:
            vp9["threads"] = threads
        return vp9
    opts: dict[str, Any] = {"c:v": ENCODERS[video.codec], "pix_fmt": "yuv420p"}
    preset = video.preset or "veryfast"
    if video.codec == "av1":
        opts["preset"] = SVT_PRESETS.get(preset, preset)
    else:
        opts["preset"] = preset
    if video.bitrate_kbps:
        opts["b:v"] = f"{video.bitrate_kbps}k"
    elif video.crf is not None:
        # svt-av1 takes whole CRFs only; x264 and x265 take fractions (a VMAF search picks them).
        opts["crf"] = round(video.crf) if video.codec == "av1" else video.crf
    if video.max_rate_kbps:
        opts["maxrate"] = f"{video.max_rate_kbps}k"
        opts["bufsize"] = f"{video.bufsize_kbits or video.max_rate_kbps * 2}k"
    if video.min_rate_kbps:
        opts["minrate"] = f"{video.min_rate_kbps}k"
    gop_frames = max(1, round((fps or 30.0) * video.gop_seconds))
    opts["force_key_frames"] = KEYFRAMES.format(gop=video.gop_seconds)
    if video.codec == "h264":
        opts["sc_threshold"] = 0
        opts["g"] = gop_frames
        opts["keyint_min"] = gop_frames
        if video.profile:
            opts["profile:v"] = video.profile
        if video.level:
            opts["level:v"] = video.level
    elif video.codec == "h265":
        params = [f"keyint={gop_frames}", f"min-keyint={gop_frames}", "scenecut=0", "log-level=error"]
        opts["x265-params"] = ":".join(params)
        opts["tag:v"] = "hvc1"  # what Apple players look for in MP4 and fMP4
    else:
        opts["g"] = gop_frames
        opts["svtav1-params"] = "scd=0"
    if video.fps:
        opts["r"] = round(video.fps, 3)
    if threads:
        opts["threads"] = threads
    return opts


def audio_options(audio: AudioSettings, *, source_rate: int | None) -> dict[str, Any]:
    opts: dict[str, Any] = {"c:a": AUDIO_ENCODERS[audio.codec], "b:a": f"{audio.bitrate_kbps}k"}
    if audio.codec == "opus":
        opts["ar"] = 48000  # the only rate Opus encodes at
    elif audio.sample_rate:
        opts["ar"] = audio.sample_rate
    elif source_rate and source_rate not in (44100, 48000):
        opts["ar"] = 48000
    if audio.channels:
        opts["ac"] = audio.channels
    return opts

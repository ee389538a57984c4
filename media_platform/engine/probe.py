"""ffprobe JSON → SourceInfo: everything later decisions need to know about a source."""

from __future__ import annotations

import json
import math
import subprocess
from dataclasses import asdict, dataclass, field
from dataclasses import fields as dataclass_fields
from fractions import Fraction
from typing import Any

from .issues import InputError, Issue, IssueCode, Severity

# Demuxers a source may be read with: media containers and raw streams, never playlists or
# scripts that open other files (hls, concat, dash manifests…) — an upload could name
# file:///etc/passwd or an address inside our network in one.
SOURCE_FORMATS = ",".join(
    [
        "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "avi", "flv", "mpegts", "mpeg", "mxf", "asf", "dv", "nut", "ogg",
        "rm", "ivf", "obu", "av1", "h264", "hevc", "m4v", "mpegvideo", "mjpeg", "yuv4mpegpipe", "gif", "wav", "w64",
        "aiff", "caf", "mp3", "aac", "ac3", "eac3", "dts", "truehd", "flac", "amr", "image2", "png_pipe", "jpeg_pipe",
        "webp_pipe", "bmp_pipe", "tiff_pipe", "gif_pipe",
    ]
)  # fmt: skip
IMAGE_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "tiff_pipe", "gif_pipe", "svg_pipe"}
IMAGE_CODECS = {"png", "mjpeg", "bmp", "tiff", "webp", "jpegls", "jpeg2000", "svg"}
HDR_TRANSFERS = {"smpte2084", "arib-std-b67"}
# Subtitle codecs whose text converts to WebVTT and mov_text; the others (DVD, Blu-ray, DVB)
# are pictures of text, which would need OCR.
TEXT_SUBTITLE_CODECS = {"mov_text", "subrip", "srt", "ass", "ssa", "webvtt", "text"}


@dataclass(frozen=True)
class VideoStreamInfo:
    index: int
    codec: str
    width: int
    height: int
    rotation: int = 0
    fps: float | None = None
    avg_fps: float | None = None
    duration: float | None = None
    pix_fmt: str | None = None
    bit_depth: int = 8
    profile: str | None = None
    level: int | None = None
    bit_rate: int | None = None
    frames: int | None = None
    field_order: str | None = None
    color_transfer: str | None = None
    color_primaries: str | None = None
    color_space: str | None = None
    sample_aspect_ratio: str | None = None

    @property
    def display_width(self) -> int:
        """The width as shown. The display size is the one rule for a picture's size: what the
        API reports as the video's width and height, and what the renditions are made from
        (made even: ladder.display_size). Non-square pixels stretch or narrow the width, then
        rotation turns the picture: a 720x576 PAL frame at SAR 16:15 shows as 768x576, and
        turned a quarter as 540x720."""
        return round(self.display_height * self.display_aspect)

    @property
    def display_height(self) -> int:
        """The height as shown (see display_width): the stored width when turned a quarter."""
        return self.width if self.rotation % 180 else self.height

    @property
    def display_aspect(self) -> float:
        """Width over height as shown: rotation and non-square pixels applied."""
        sar = _ratio(self.sample_aspect_ratio) or 1.0
        width = self.width * sar
        if self.rotation % 180:
            return self.height / width if width else 1.0
        return width / self.height if self.height else 1.0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VideoStreamInfo:
        """A stored stream (SourceInfo.to_json's "video"), tolerating fields it lacks or no longer has."""
        known = {f.name for f in dataclass_fields(cls)}
        values = {"index": 0, "codec": "unknown", "width": 0, "height": 0}
        return cls(**{**values, **{k: v for k, v in data.items() if k in known and v is not None}})

    @property
    def is_hdr(self) -> bool:
        return self.color_transfer in HDR_TRANSFERS

    @property
    def is_interlaced(self) -> bool:
        return self.field_order not in (None, "", "progressive", "unknown")

    @property
    def is_variable_frame_rate(self) -> bool:
        if not self.fps or not self.avg_fps or abs(self.fps - self.avg_fps) / self.fps <= 0.02:
            return False
        # The average is the frames over the stream's stated duration: a duration off by less
        # than a frame (a last frame without its duration) moves it, however steady the stream.
        frames = self.frames or (self.duration * self.avg_fps if self.duration else None)
        return not frames or abs(frames / self.avg_fps - frames / self.fps) >= 1 / self.fps

    @property
    def frame_rate(self) -> float | None:
        """The stream's real rate, the one rule for what the API reports and the renditions
        play at: the nominal rate of a steady stream (its average is skewed by a container
        duration slightly off: 24.361 for a 24 fps file a few hundredths of a second short),
        the average of a variable one (which the ladder makes constant at that rate)."""
        if self.is_variable_frame_rate:
            return self.avg_fps
        return self.fps or self.avg_fps


@dataclass(frozen=True)
class AudioStreamInfo:
    index: int
    codec: str
    channels: int = 2
    sample_rate: int | None = None
    duration: float | None = None
    bit_rate: int | None = None
    language: str | None = None


@dataclass(frozen=True)
class SubtitleStreamInfo:
    index: int
    codec: str
    language: str | None = None

    @property
    def is_text(self) -> bool:
        return self.codec in TEXT_SUBTITLE_CODECS


@dataclass(frozen=True)
class SourceInfo:
    format_name: str
    duration: float
    size: int = 0
    bit_rate: int | None = None
    video: VideoStreamInfo | None = None
    audio: tuple[AudioStreamInfo, ...] = field(default_factory=tuple)
    subtitle_count: int = 0
    subtitles: tuple[SubtitleStreamInfo, ...] = field(default_factory=tuple)
    # What the container's header claims when it disagrees wildly with its streams.
    header_duration: float | None = None

    @property
    def has_audio(self) -> bool:
        return bool(self.audio)

    @property
    def is_image(self) -> bool:
        if self.video is None:
            return False
        if self.format_name in IMAGE_FORMATS:
            return True
        if self.video.codec not in IMAGE_CODECS:
            return False
        frames = self.video.frames
        if frames is None:
            # Matroska states no frame count: a Motion-JPEG camera clip must not pass for a still.
            seconds = self.video.duration or self.duration
            frames = round(seconds * (self.video.avg_fps or self.video.fps or 0))
        return frames <= 1

    @property
    def is_portrait(self) -> bool:
        return self.video is not None and self.video.display_height > self.video.display_width

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceInfo:
        video = VideoStreamInfo.from_json(data["video"]) if data.get("video") else None
        audio = tuple(AudioStreamInfo(**item) for item in data.get("audio") or ())
        subtitles = tuple(SubtitleStreamInfo(**item) for item in data.get("subtitles") or ())
        # Only our own fields are read back: callers keep more beside the probe (checksums).
        known = {f.name for f in dataclass_fields(cls)} - {"video", "audio", "subtitles"}
        values = {k: v for k, v in data.items() if k in known}
        return cls(**values, video=video, audio=audio, subtitles=subtitles)


def _ratio(text: str | None) -> float | None:
    if not text or text in {"0/0", "N/A", "0:1"}:
        return None
    try:
        value = float(Fraction(text.replace(":", "/")))
    except (ValueError, ZeroDivisionError):
        return None
    return value or None


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and number >= 0 else None  # drops NaN and negatives


def _int(value: Any) -> int | None:
    number = _float(value)
    return int(number) if number is not None else None


def _rotation(stream: dict[str, Any]) -> int:
    """Degrees counter-clockwise, as ffprobe reports the display matrix (0, 90, 180 or 270 mostly)."""
    for side_data in stream.get("side_data_list") or ():
        if "rotation" in side_data:
            return int(round(float(side_data["rotation"]))) % 360
    # Older ffprobe gave only the legacy `rotate` tag, which counts clockwise: turn it round.
    try:
        clockwise = float((stream.get("tags") or {}).get("rotate", "0"))
    except (TypeError, ValueError):
        return 0
    return int(round(-clockwise)) % 360 if math.isfinite(clockwise) else 0


def _bit_depth(stream: dict[str, Any]) -> int:
    raw = _int(stream.get("bits_per_raw_sample"))
    if raw:
        return raw
    pix_fmt = stream.get("pix_fmt") or ""
    for depth in (16, 12, 10):
        if f"p{depth}" in pix_fmt:
            return depth
    return 8


def _video(stream: dict[str, Any]) -> VideoStreamInfo:
    return VideoStreamInfo(
        index=int(stream["index"]),
        codec=stream.get("codec_name") or "unknown",
        width=int(stream.get("width") or 0),
        height=int(stream.get("height") or 0),
        rotation=_rotation(stream),
        fps=_ratio(stream.get("r_frame_rate")),
        avg_fps=_ratio(stream.get("avg_frame_rate")),
        duration=_float(stream.get("duration")),
        pix_fmt=stream.get("pix_fmt"),
        bit_depth=_bit_depth(stream),
        profile=stream.get("profile"),
        level=_int(stream.get("level")),
        bit_rate=_int(stream.get("bit_rate")),
        frames=_int(stream.get("nb_frames")),
        field_order=stream.get("field_order"),
        color_transfer=stream.get("color_transfer"),
        color_primaries=stream.get("color_primaries"),
        color_space=stream.get("color_space"),
        sample_aspect_ratio=stream.get("sample_aspect_ratio"),
    )


def _audio(stream: dict[str, Any]) -> AudioStreamInfo:
    return AudioStreamInfo(
        index=int(stream["index"]),
        codec=stream.get("codec_name") or "unknown",
        channels=int(stream.get("channels") or 0),
        sample_rate=_int(stream.get("sample_rate")),
        duration=_float(stream.get("duration")),
        bit_rate=_int(stream.get("bit_rate")),
        language=(stream.get("tags") or {}).get("language"),
    )


def _subtitle(stream: dict[str, Any]) -> SubtitleStreamInfo:
    return SubtitleStreamInfo(
        index=int(stream["index"]),
        codec=stream.get("codec_name") or "unknown",
        language=(stream.get("tags") or {}).get("language"),
    )


def copyable_subtitles(info: SourceInfo) -> tuple[SubtitleStreamInfo, ...]:
    """The source's subtitle streams that can be carried over as text, in stream order."""
    return tuple(s for s in info.subtitles if s.is_text)


def subtitle_copy_issues(info: SourceInfo) -> list[Issue]:
    """What a request to copy the source's subtitles will not get, as Information notes."""
    if not info.subtitles:
        message = "Subtitles were to be copied, but the source has none."
        return [Issue(Severity.INFORMATION, IssueCode.UNDEFINED, message)]
    issues = []
    for stream in info.subtitles:
        if not stream.is_text:
            language = f", language {stream.language}" if stream.language else ""
            message = (
                f"Subtitle stream #{stream.index} ({stream.codec}{language}) was not copied: it holds pictures "
                "of text, and only text subtitles (mov_text, SubRip, ASS, WebVTT) can be converted."
            )
            issues.append(Issue(Severity.INFORMATION, IssueCode.UNDEFINED, message, stream.codec))
    return issues


def parse_probe(data: dict[str, Any]) -> SourceInfo:
    """Turn `ffprobe -show_format -show_streams` JSON into a SourceInfo."""
    streams = data.get("streams") or []
    fmt = data.get("format") or {}
    video_streams = [
        s for s in streams if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
    ]
    audio_streams = [s for s in streams if s.get("codec_type") == "audio"]
    video = _video(video_streams[0]) if video_streams else None
    audio = tuple(_audio(s) for s in audio_streams)
    duration, header_duration = _duration(_float(fmt.get("duration")), video, audio)
    return SourceInfo(
        format_name=(fmt.get("format_name") or "").split(",")[0],
        duration=duration,
        size=_int(fmt.get("size")) or 0,
        bit_rate=_int(fmt.get("bit_rate")),
        video=video,
        audio=audio,
        subtitle_count=sum(1 for s in streams if s.get("codec_type") == "subtitle"),
        subtitles=tuple(_subtitle(s) for s in streams if s.get("codec_type") == "subtitle"),
        header_duration=header_duration,
    )


def _duration(declared: float | None, video, audio) -> tuple[float, float | None]:
    """(duration, header_duration). The container's duration, unless its streams say it lies:
    a header claiming hours for seconds of media would set every timeout and sample far off."""
    streams = [d for d in [video.duration if video else None, *(a.duration for a in audio)] if d]
    longest = max(streams, default=None)
    if declared and longest and declared > longest * 2 + 1:
        return longest, declared
    return (declared or (video.duration if video else None) or longest or 0.0), None


def probe_command(path: str, ffprobe: str = "ffprobe", protocols: str = "file,pipe") -> list[str]:
    return [
        ffprobe,
        "-v",
        "error",
        "-protocol_whitelist",
        protocols,
        "-format_whitelist",
        SOURCE_FORMATS,
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        path,
    ]


def probe_file(path: str, *, ffprobe: str = "ffprobe", timeout: float = 60, protocols: str = "file,pipe") -> SourceInfo:
    """Run ffprobe once; an unreadable file raises InputError(OriginalCorrupted)."""
    try:
        result = subprocess.run(
            probe_command(path, ffprobe, protocols), capture_output=True, timeout=timeout, check=False, text=True
        )
    except subprocess.TimeoutExpired as exc:
        raise InputError(
            Issue(Severity.ERROR, IssueCode.ORIGINAL_CORRUPTED, "Reading the file's headers took too long.")
        ) from exc
    reason = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
    if result.returncode != 0:
        message = "The file could not be read as audio or video"
        raise InputError(Issue(Severity.ERROR, IssueCode.ORIGINAL_CORRUPTED, f"{message}: {_reason(reason)}"))
    try:
        data = json.loads(result.stdout or "{}")
    except json.JSONDecodeError as exc:
        raise InputError(
            Issue(Severity.ERROR, IssueCode.ORIGINAL_CORRUPTED, "The file's headers could not be parsed.")
        ) from exc
    return parse_probe(data)


def _reason(line: str) -> str:
    """ffprobe prefixes its reason with the file path; keep only the reason."""
    return line.rsplit(": ", 1)[-1] if ": " in line else (line or "unknown format")

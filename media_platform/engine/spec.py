"""The engine's model of work: a process is a source and a list of output jobs.

Every API dialect translates its request into these dataclasses; `plan` turns them into
ffmpeg argv. They serialise to plain JSON (`to_json` / `job_from_json`) so a process can be
stored on its database row and rebuilt on any worker.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

VideoCodec = Literal["h264", "h265", "av1", "vp9"]
AudioCodec = Literal["aac", "opus"]
Gravity = Literal["center", "north", "northeast", "east", "southeast", "south", "southwest", "west", "northwest"]
GRAVITIES = ("center", "north", "northeast", "east", "southeast", "south", "southwest", "west", "northwest")


# --- Stream settings ---------------------------------------------------------------------
@dataclass(frozen=True)
class VideoSettings:
    codec: VideoCodec = "h264"
    crf: float | None = None  # x264/x265 take fractions: a VMAF search lands between whole steps
    bitrate_kbps: int | None = None
    max_rate_kbps: int | None = None
    min_rate_kbps: int | None = None
    bufsize_kbits: int | None = None
    preset: str | None = None
    fps: float | None = None
    # Keyframe interval in seconds; every rendition of a ladder shares it so they switch cleanly.
    gop_seconds: float = 2.0
    profile: str | None = None
    level: str | None = None
    # Keyframe interval in frames of the output; when set it wins over gop_seconds (a request that
    # counts frames without naming a frame rate: the source's rate is known only on the worker).
    gop_frames: int | None = None
    # Per-title quality: the worker replaces `crf` by the one whose VMAF reaches this (0-100) on samples.
    vmaf_target: float | None = None


@dataclass(frozen=True)
class AudioSettings:
    codec: AudioCodec = "aac"
    bitrate_kbps: int = 128
    sample_rate: int | None = None
    channels: int | None = 2
    mute: bool = False


@dataclass(frozen=True)
class Rendition:
    """One rung of a ladder. The name is what clients see: "720p"."""

    name: str
    height: int | None = None
    width: int | None = None
    video: VideoSettings = field(default_factory=VideoSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    upscale: bool = False


# --- Transformations, applied in order before a job ---------------------------------------
@dataclass(frozen=True)
class Resize:
    width: str | None = None  # "100", "100px", "50%", "50h"
    height: str | None = None  # "100", "100px", "50%", "50w"
    upscale: bool = False
    type: Literal["resize"] = "resize"


@dataclass(frozen=True)
class Trim:
    start_time: float = 0.0
    duration: float | None = None
    type: Literal["trim"] = "trim"


@dataclass(frozen=True)
class Crop:
    width: str | None = None
    height: str | None = None
    gravity: str = "center"
    xoffset: str = "0"
    yoffset: str = "0"
    type: Literal["crop"] = "crop"


@dataclass(frozen=True)
class Watermark:
    source: str  # a local path by the time the plan is built
    width: str | None = None
    height: str | None = None
    gravity: str = "southeast"
    xoffset: str = "0"
    yoffset: str = "0"
    opacity: float = 1.0
    type: Literal["watermark"] = "watermark"


@dataclass(frozen=True)
class Deinterlace:
    type: Literal["deinterlace"] = "deinterlace"


@dataclass(frozen=True)
class Rotate:
    degrees: float = 0.0
    type: Literal["rotate"] = "rotate"


@dataclass(frozen=True)
class AspectRatio:
    ratio: str = "16:9"
    mode: Literal["crop", "pad", "stretch"] = "pad"
    type: Literal["aspect_ratio"] = "aspect_ratio"


@dataclass(frozen=True)
class FrameRate:
    fps: float = 30.0
    type: Literal["fps"] = "fps"


Transformation = Resize | Trim | Crop | Watermark | Deinterlace | Rotate | AspectRatio | FrameRate
TRANSFORMATIONS: dict[str, type] = {
    cls.type: cls for cls in (Resize, Trim, Crop, Watermark, Deinterlace, Rotate, AspectRatio, FrameRate)
}


# --- Subtitles ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SubtitleTrack:
    """A subtitle file to publish with a job: a URL, an s3:// URL or a path in the library's
    storage in a request; a local WebVTT file by the time the plan is built."""

    source: str
    language: str  # ISO 639 ("eng", "en") or a BCP 47 tag; names the file: subtitles/<language>.vtt


# --- Jobs ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class JobBase:
    """Fields every job has. `prefix` is the job's folder inside the process's output root."""

    prefix: str = ""
    transformations: tuple[Transformation, ...] = ()
    allow_soft_fail: bool = False
    # An HDR (PQ/HLG) source: True tone-maps to SDR BT.709, False keeps HDR (10-bit H.265/AV1 with the
    # source's colour tags), None picks per output (plan/colour.py): SDR for H.264 and images.
    hdr_to_sdr: bool | None = None


# --- Content protection -------------------------------------------------------------------
@dataclass(frozen=True)
class Encryption:
    """HLS AES-128: every segment encrypted with `key` (16 bytes, hex); players fetch the key
    from `key_url`, or from the platform's key URL when none is given."""

    key: str
    iv: str | None = None  # 16 bytes, hex; by default each segment's sequence number
    key_url: str | None = None


@dataclass(frozen=True)
class Cenc:
    """Common Encryption (cenc-aes-ctr) of MP4/DASH: `key` and `key_id` 16 bytes each in hex;
    `pssh` a DRM system's base64 pssh box, `la_url` its licence server."""

    key: str
    key_id: str
    pssh: str | None = None
    la_url: str | None = None


@dataclass(frozen=True)
class HlsJob(JobBase):
    renditions: tuple[Rendition, ...] = ()
    segment_duration: float = 4.0
    playlist_name: str = "playlist.m3u8"
    # "{name}" is the rendition name: bunny serves /720p/video.m3u8 and /720p/video0.ts.
    variant_playlist: str = "{name}/video.m3u8"
    segment_pattern: str = "{name}/video%d.ts"
    # Renditions that also get an MP4 written from the same encode (tee), e.g. play_720p.mp4.
    mp4_fallback: tuple[str, ...] = ()
    mp4_fallback_pattern: str = "play_{name}.mp4"
    separate_audio: bool = False
    # Each track becomes subtitles/<language>.vtt with its own playlist, listed in the master.
    subtitles: tuple[SubtitleTrack, ...] = ()
    # Also carry the source's text subtitle streams over (image subtitles cannot be converted).
    copy_subtitles: bool = False
    encryption: Encryption | None = None
    # Master playlists written by other jobs of the process (paths from the output root), whose
    # variants this master lists too: one master offering players several codecs to choose from.
    codec_masters: tuple[str, ...] = ()
    kind: Literal["hls"] = "hls"


@dataclass(frozen=True)
class Mp4Job(JobBase):
    rendition: Rendition = field(default_factory=lambda: Rendition(name="source"))
    filename: str = "video.mp4"
    # Muxed into the MP4 as mov_text tracks with their language; copy_subtitles as for HlsJob.
    subtitles: tuple[SubtitleTrack, ...] = ()
    copy_subtitles: bool = False
    cenc: Cenc | None = None
    kind: Literal["mp4"] = "mp4"


@dataclass(frozen=True)
class DashJob(JobBase):
    """An MPD over fMP4 (CMAF) segments: several video representations and the sound apart,
    keyframe-aligned like the HLS ladder; with `hls_playlist` the same segments are also listed
    in HLS playlists, so one set of files serves both."""

    renditions: tuple[Rendition, ...] = ()
    segment_duration: float = 4.0
    manifest_name: str = "playlist.mpd"
    hls_playlist: bool = False
    hls_master_name: str = "master.m3u8"
    cenc: Cenc | None = None
    # Record each representation's HLS media playlist as a variant output (size, codec), as a
    # ladder's are: set where these renditions are a video's own (bunny's output codecs).
    list_variants: bool = False
    kind: Literal["dash"] = "dash"


@dataclass(frozen=True)
class ThumbnailJob(JobBase):
    time: float | None = None  # seconds; None picks a representative frame
    width: int | None = None
    height: int | None = None
    filename: str = "thumbnail.jpg"
    kind: Literal["thumbnail"] = "thumbnail"


@dataclass(frozen=True)
class AnimationJob(JobBase):
    """An animated preview: frames sampled across the whole source, played back at `fps`."""

    filename: str = "preview.webp"
    width: int | None = 320
    height: int | None = None
    fps: float = 8.0
    frame_count: int | None = 24  # None keeps real time (a GIF of the source)
    kind: Literal["animation"] = "animation"


@dataclass(frozen=True)
class StoryboardJob(JobBase):
    interval: float = 10.0
    columns: int = 10
    tile_width: int = 160
    sprite_file: str = "storyboard.jpg"
    vtt_file: str = "storyboard.vtt"
    kind: Literal["storyboard"] = "storyboard"


@dataclass(frozen=True)
class ScreenshotsJob(JobBase):
    quantity: int = 1
    filename: str = "screenshot.jpg"  # holds %d when quantity > 1
    kind: Literal["screenshots"] = "screenshots"


@dataclass(frozen=True)
class PreviewClipJob(JobBase):
    filename: str = "preview.mp4"
    num_snippets: int = 5
    snippet_duration: float = 1.0
    video_codec: VideoCodec = "h264"
    kind: Literal["preview_clip"] = "preview_clip"


@dataclass(frozen=True)
class AudioJob(JobBase):
    """The source's sound alone, encoded once: an HLS audio rendition and/or a whole file (for
    remuxing MP4s). Chunked encoding uses it beside video-only pieces."""

    audio: AudioSettings = field(default_factory=AudioSettings)
    segment_duration: float = 4.0
    playlist: str | None = "audio/audio.m3u8"
    segment_pattern: str = "audio/audio%d.ts"
    filename: str | None = "audio.m4a"
    kind: Literal["audio"] = "audio"


@dataclass(frozen=True)
class SpeechToTextJob(JobBase):
    """What is said in the source, heard by Whisper: a plain transcript, JSON with timed segments,
    SRT and WebVTT captions, each written when its name is set. `mode` trades speed for accuracy
    (fast, balanced, accurate); the language (ISO 639-1) is detected unless given."""

    transcript_file: str | None = "transcript.txt"
    json_file: str | None = "transcript.json"
    srt_file: str | None = "subtitles.srt"
    vtt_file: str | None = "subtitles.vtt"
    mode: Literal["fast", "balanced", "accurate"] = "balanced"
    language: str | None = None
    # A master playlist (a path in the process's output folder, written by another job) that
    # lists the captions as a subtitle track once they exist.
    hls_master: str | None = None
    kind: Literal["speech_to_text"] = "speech_to_text"


Job = (
    HlsJob
    | Mp4Job
    | DashJob
    | ThumbnailJob
    | AnimationJob
    | StoryboardJob
    | ScreenshotsJob
    | PreviewClipJob
    | AudioJob
    | SpeechToTextJob
)
JOB_KINDS: dict[str, type] = {
    cls.kind: cls
    for cls in (
        HlsJob,
        Mp4Job,
        DashJob,
        ThumbnailJob,
        AnimationJob,
        StoryboardJob,
        ScreenshotsJob,
        PreviewClipJob,
        AudioJob,
        SpeechToTextJob,
    )
}


# --- JSON round trip ----------------------------------------------------------------------
def to_json(value: Any) -> dict[str, Any]:
    return asdict(value)


def _rendition(data: dict[str, Any]) -> Rendition:
    return Rendition(
        name=data["name"],
        height=data.get("height"),
        width=data.get("width"),
        video=VideoSettings(**data.get("video") or {}),
        audio=AudioSettings(**data.get("audio") or {}),
        upscale=data.get("upscale", False),
    )


def transformation_from_json(data: dict[str, Any]) -> Transformation:
    cls = TRANSFORMATIONS[data["type"]]
    return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


def job_from_json(data: dict[str, Any]) -> Job:
    cls = JOB_KINDS[data["kind"]]
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name == "renditions":
            value = tuple(_rendition(item) for item in value)
        elif f.name == "rendition":
            value = _rendition(value)
        elif f.name == "audio" and isinstance(value, dict):
            value = AudioSettings(**value)
        elif f.name == "transformations":
            value = tuple(transformation_from_json(item) for item in value)
        elif f.name == "encryption" and value is not None:
            value = Encryption(**value)
        elif f.name == "cenc" and value is not None:
            value = Cenc(**value)
        elif f.name == "subtitles":
            value = tuple(SubtitleTrack(source=item["source"], language=item["language"]) for item in value)
        elif isinstance(value, list):
            value = tuple(value)
        values[f.name] = value
    return cls(**values)

"""What an invocation promises to leave behind, and the small steps that finish it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..names import safe_join
from ..spec import Cenc, Encryption, Job
from ..transforms import Geometry, apply_transformations
from .graph import Graph, apply_steps


@dataclass(frozen=True)
class PlannedFile:
    """One file (or a `%d` pattern of files) a job writes, relative to the invocation's cwd."""

    job_index: int
    path: str
    # master | variant | audio | mp4 | image | images | sprite | vtt | animation | subtitles | subtitles_playlist
    # | transcript (speech to text's text and JSON; its SRT and WebVTT are subtitles)
    role: str
    rendition: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class HlsVariant:
    name: str
    playlist: str
    width: int
    height: int
    fps: float | None
    has_audio: bool


@dataclass(frozen=True)
class SubtitleSource:
    """A WebVTT file that will exist when the finisher runs (a fetched file, or a stream the
    shared decode extracted) and the part of source time [start, start + duration) a job keeps."""

    source: str  # relative to the invocation's cwd, or absolute
    language: str
    name: str  # unique within the job: the file's name, "eng" or "eng-2"
    start: float = 0.0
    duration: float | None = None


@dataclass(frozen=True)
class HlsSubtitle:
    track: SubtitleSource
    vtt_path: str  # <prefix>/subtitles/<name>.vtt
    playlist_path: str  # <prefix>/subtitles/<name>.m3u8


@dataclass(frozen=True)
class HlsMaster:
    """Write the master playlist once the variants exist (bandwidths are measured, not guessed),
    with the subtitle files and playlists it lists."""

    job_index: int
    path: str
    variants: tuple[HlsVariant, ...]
    audio_playlist: str | None = None
    subtitles: tuple[HlsSubtitle, ...] = ()
    encryption: Encryption | None = None  # AES-128 segments: probed through their key, not as they are


@dataclass(frozen=True)
class Mp4Subtitles:
    """Mux subtitle tracks (mov_text, with their language) into an MP4 the encode wrote."""

    job_index: int
    path: str
    tracks: tuple[SubtitleSource, ...]
    folder: str  # scratch for the cut WebVTT files


@dataclass(frozen=True)
class StoryboardFrames:
    """Tile the dumped frames into the sprite and write the VTT that points into it."""

    job_index: int
    folder: str
    sprite_path: str
    vtt_path: str
    sprite_name: str  # as the VTT refers to it: relative to the VTT
    interval: float
    columns: int
    tile_width: int
    tile_height: int
    duration: float


@dataclass(frozen=True)
class AnimationFrames:
    """Assemble dumped frames into an animated WebP, or a GIF with its own palette."""

    job_index: int
    folder: str
    path: str
    fps: float
    frame_count: int | None


@dataclass(frozen=True)
class Transcription:
    """Transcribe the WAV the invocation extracted, then write each (format, path) asked for:
    format one of text | json | srt | vtt."""

    job_index: int
    audio: str
    outputs: tuple[tuple[str, str], ...]
    mode: str = "balanced"
    language: str | None = None


@dataclass(frozen=True)
class DashPackage:
    """Package the encoded representations (fMP4, no re-encoding) into an MPD and its segments,
    encrypted when `cenc` is set, with HLS playlists over the same segments when asked."""

    job_index: int
    manifest: str
    videos: tuple[str, ...]
    audio: str | None
    segment_duration: float
    hls_master: str | None  # the HLS master's file name, when the segments serve HLS too
    cenc: Cenc | None


@dataclass(frozen=True)
class Mp4DecodeTimes:
    """Give an MP4 written beside HLS segments its encoder's decode times back (plan/timeline.py)."""

    job_index: int
    path: str


@dataclass(frozen=True)
class CencBoxes:
    """Add the pssh boxes a player needs to an encrypted MP4 (ffmpeg writes only `tenc`)."""

    job_index: int
    path: str
    cenc: Cenc


@dataclass(frozen=True)
class CodecVariants:
    """List the variants of other jobs' masters (other codecs) in a ladder's master: after the
    masters and packagings of the invocation are written."""

    job_index: int
    master: str
    others: tuple[str, ...]


Finisher = (
    HlsMaster
    | StoryboardFrames
    | AnimationFrames
    | Mp4Subtitles
    | Transcription
    | DashPackage
    | CencBoxes
    | CodecVariants
    | Mp4DecodeTimes
)


@dataclass
class Built:
    outputs: list[Any]
    files: list[PlannedFile]
    finishers: list[Finisher]
    duration: float
    frames: int | None = None  # frames the first video output will write, for progress
    dumps: tuple[str, ...] = ()
    setup_files: tuple[tuple[str, bytes], ...] = ()  # written before ffmpeg runs (key info files)


@dataclass
class Branch:
    """A job's own copy of the decoded source, after its transformations."""

    video: Any
    audio: Any | None
    geometry: Geometry


def open_branch(job: Job, graph: Graph, base: Geometry, *, wants_audio: bool) -> Branch:
    applied = apply_transformations(job.transformations, base)
    video = apply_steps(graph.video(), applied.video, graph)
    audio = None
    if wants_audio and graph.info.has_audio:
        audio = graph.audio()
        for item in applied.audio:
            audio = audio.filter(item.name, *item.args, **item.options())
    return Branch(video, audio, applied.geometry)


def join(prefix: str, name: str) -> str:
    """A job's output path; refuses names that could leave its folder or break ffmpeg's syntax."""
    return safe_join(prefix, name)

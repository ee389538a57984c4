"""Chunked encoding, the pure parts: where to cut a long source, and how the pieces join.

Cuts fall on segment boundaries (which are keyframe boundaries: every rendition keys every
`gop_seconds`), so joining is playlist work — the pieces' segments are listed one after the
other — and never re-encoding.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .hls import parse_segments, target_duration
from .spec import AnimationJob, AudioJob, HlsJob, Job, StoryboardJob, ThumbnailJob


def chunk_bounds(duration: float, target: float, align: float) -> list[tuple[float, float]]:
    """(start, end) pieces of about `target` seconds, every start a multiple of `align`.

    The duration is cut into round(duration / target) nearly equal pieces (each within one
    `align` of the others), not into `target`-long pieces and a remainder: workers taking the
    pieces in turn then finish together, instead of all but one idling through a long last piece.
    """
    if duration <= 0:
        return []
    count = max(1, round(duration / max(target, align)))
    cuts = sorted({round(i * duration / count / align) * align for i in range(1, count)})
    edges = [0.0, *(cut for cut in cuts if 0 < cut < duration), duration]
    return [(round(a, 6), round(b, 6)) for a, b in zip(edges, edges[1:], strict=False)]


def joined_playlist(pieces: Iterable[str]) -> str:
    """One VOD media playlist listing every piece's segments in order."""
    segments = [segment for text in pieces for segment in parse_segments(text)]
    # Each piece's muxer rounded its own segments up: the joined playlist keeps the largest.
    target = target_duration(segments, max((math.ceil(s.duration) for s in segments), default=1))
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{target}", "#EXT-X-MEDIA-SEQUENCE:0"]
    lines += ["#EXT-X-PLAYLIST-TYPE:VOD", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for segment in segments:
        lines += [f"#EXTINF:{segment.duration:.6f},", segment.uri]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def concat_list(paths: Iterable[str], durations: Iterable[float] | None = None) -> str:
    """An ffconcat script for the concat demuxer (our own local files, quoted safely).

    With `durations`, each file lasts that long on the joined timeline: an MP4 piece written at
    its place in the whole timeline (output_ts_offset) says it lasts from 0 to its end, and
    the demuxer would start the next piece that much too late."""
    paths = list(paths)
    seconds = list(durations) if durations is not None else [None] * len(paths)
    lines = ["ffconcat version 1.0"]
    for path, duration in zip(paths, seconds, strict=True):
        quoted = path.replace("'", "'\\''")
        lines.append(f"file '{quoted}'")
        if duration is not None:
            lines.append(f"duration {duration:.6f}")
    return "\n".join(lines) + "\n"


# --- which jobs a piece runs --------------------------------------------------------------
def chunkable(jobs: list[tuple[int, Job]], duration: float, min_duration: float) -> bool:
    """Long enough, and a plain ladder: one HLS job (with its MP4 fallbacks), thumbnails,
    storyboard and time-lapse preview, none transformed (a transformation could move time)."""
    kinds = [type(job) for _, job in jobs]
    if duration < min_duration or kinds.count(HlsJob) != 1:
        return False
    for _, job in jobs:
        if job.transformations or not isinstance(job, (HlsJob, ThumbnailJob, StoryboardJob, AnimationJob)):
            return False
        if isinstance(job, HlsJob) and (job.subtitles or job.copy_subtitles or job.encryption):
            return False  # (AES-128: each segment's IV is its sequence number, which a join renumbers)
        if isinstance(job, AnimationJob) and not job.frame_count:
            return False  # a real-time GIF of the first seconds is one piece's business, not a join
    return True


def piece_jobs(jobs: list[tuple[int, Job]]) -> list[tuple[int, Job]]:
    """What a video piece encodes: the ladder without sound (the sound is encoded once, apart),
    and the storyboard and preview frames of its part of the timeline."""
    pieces: list[tuple[int, Job]] = []
    for index, job in jobs:
        if isinstance(job, HlsJob):
            silent = tuple(replace(r, audio=replace(r.audio, mute=True)) for r in job.renditions)
            pieces.append((index, replace(job, renditions=silent)))
        elif isinstance(job, (StoryboardJob, AnimationJob)):
            pieces.append((index, job))
    return pieces


def sound_jobs(jobs: list[tuple[int, Job]]) -> list[tuple[int, Job]]:
    """What the sound piece does: the audio once (an HLS rendition, and a whole file when MP4s
    must be remuxed with it), and the thumbnails, which only need a moment of the source."""
    hls = next(job for _, job in jobs if isinstance(job, HlsJob))
    loudest = max((r.audio for r in hls.renditions), key=lambda audio: audio.bitrate_kbps)
    audio = AudioJob(
        prefix=hls.prefix,
        audio=loudest,
        segment_duration=hls.segment_duration,
        filename=SOUND_FILE if hls.mp4_fallback else None,
    )
    return [(AUDIO_INDEX, audio), *((i, job) for i, job in jobs if isinstance(job, ThumbnailJob))]


AUDIO_INDEX = 10_000  # not a job of the process: the shared sound the pieces are joined with
SOUND_FILE = "audio.m4a"


# --- MPEG-TS continuity across the joins ---------------------------------------------------
TS_PACKET = 188


def renumber_continuity(segments: Iterable[Path]) -> int:
    """Rewrite the 4-bit continuity counters of TS segments so they run on across the joins, as
    if one muxer had written them all (each piece's muxer started from zero, which demuxers read
    as lost packets). Returns how many packets were renumbered."""
    counters: dict[int, int] = {}
    changed = 0
    for path in segments:
        data = bytearray(path.read_bytes())
        for offset in range(0, len(data) - TS_PACKET + 1, TS_PACKET):
            if data[offset] != 0x47:
                raise ValueError(f"{path.name}: lost MPEG-TS sync at byte {offset}")
            pid = ((data[offset + 1] & 0x1F) << 8) | data[offset + 2]
            flags = data[offset + 3]
            if pid == 0x1FFF or not flags & 0x10:  # null packets and packets without payload keep theirs
                continue
            counter = (counters.get(pid, -1) + 1) & 0x0F
            counters[pid] = counter
            if flags & 0x0F != counter:
                data[offset + 3] = (flags & 0xF0) | counter
                changed += 1
        path.write_bytes(bytes(data))
    return changed

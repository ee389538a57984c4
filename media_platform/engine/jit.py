"""JIT encoding, the pure parts: the segment grid of a source, whether it can be cut that way,
the playlists written before any segment exists, and the context that encodes a few segments.

A rendition's segment k covers the frames of timeline [k·S, (k+1)·S) — exactly where the
background ladder's HLS muxer cuts (keyframes forced every gop seconds in every rendition, a
cut at the first keyframe S seconds on). A run of segments is a part of the ladder's timeline
like any other (plan/timeline.py), so a JIT segment and the ladder's segment of the same name
hold the same frames at the same timestamps, and a player can mix them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .hls import VariantStream, audio_codec_string, master_playlist, video_codec_string
from .keyframes import KeyframeIndex
from .plan import EncodeContext, HlsVariant, Invocation, plan_process
from .probe import SourceInfo
from .runner import RunResult
from .spec import HlsJob, Rendition
from .tscut import boundaries_for

# Containers whose index lets a seek land exactly on the keyframe at or before a time. Elsewhere
# (MPEG-TS/PS, raw streams, Matroska without cues…) the demuxer guesses from timestamps it reads,
# so the decode starts this much earlier and filters keep only the wanted frames.
INDEXED_FORMATS = {"mov"}
UNINDEXED_SEEK_MARGIN = 1.0


@dataclass(frozen=True)
class SegmentSpan:
    index: int
    start: float  # k·S: the grid line the segment starts on
    first_frame: float  # its first frame's time (the first at or after `start`)
    duration: float  # until the next segment's first frame (the last: the end of the video)
    decode_from: float  # where the decode must start: at or before the keyframe it needs
    frames: int


def segment_grid(index: KeyframeIndex, segment_duration: float, *, format_name: str) -> list[SegmentSpan]:
    """One span per segment the ladder will have: every k with a frame at or after k·S."""
    if not index.frames or not index.keyframes:
        return []
    last = index.frames[-1]
    count = int(math.floor(max(last, 0.0) / segment_duration + 1e-9)) + 1
    margin = 0.0 if format_name in INDEXED_FORMATS else UNINDEXED_SEEK_MARGIN
    firsts = [index.frames[0]] + [index.first_frame_at_or_after(k * segment_duration) for k in range(1, count)]
    spans = []
    for k in range(count):
        first = firsts[k]
        assert first is not None
        after = firsts[k + 1] if k + 1 < count else None
        following = after if after is not None else index.end
        keyframe = index.keyframe_at_or_before(first)
        decode = max(0.0, (keyframe if keyframe is not None else 0.0) - margin)
        end = (k + 1) * segment_duration if k + 1 < count else None
        spans.append(
            SegmentSpan(
                index=k,
                start=k * segment_duration,
                first_frame=first,
                duration=round(max(following - first, 0.0), 6),
                decode_from=math.floor(decode * 1e6 + 1e-6) / 1e6,  # never after the keyframe, in ffmpeg's unit
                frames=index.frames_between(first, end),
            )
        )
    return spans


def incompatibility(
    info: SourceInfo, job: HlsJob, index: KeyframeIndex | None, *, max_keyframe_gap: float
) -> str | None:
    """Why this source cannot be encoded segment by segment, or None."""
    if info.video is None or info.is_image:
        return "The source has no video stream to cut into segments."
    if job.encryption is not None:
        return "Encrypted ladders get a new key per encode, which JIT segments could not share."
    if any(r.video.codec != "h264" for r in job.renditions):
        return "JIT segments are encoded as H.264 only."
    if any(r.video.fps for r in job.renditions):
        return (
            "The source's frame rate is variable or above the ladder's limit: its frames are retimed, "
            "so segments could not be cut identically in every rendition."
        )
    if not job.renditions:
        return "The ladder has no renditions."
    intervals = job.segment_duration / job.renditions[0].video.gop_seconds
    if abs(intervals - round(intervals)) > 1e-9:
        return "Segments must be a whole number of keyframe intervals."
    if index is None or not index.keyframes:
        return "The source has no keyframes to start a decode from."
    if index.missing_times > len(index.frames) // 100:
        return "The source's video has no timestamps to seek by."
    gap = index.longest_keyframe_gap()
    if gap > max_keyframe_gap:
        return f"Keyframes are up to {gap:.1f} s apart (the limit is {max_keyframe_gap:g} s)."
    return None


# --- playlists -----------------------------------------------------------------------------
def media_playlist(durations: Sequence[float], uri_pattern: str, *, start_number: int = 0) -> str:
    """A whole VOD playlist, written before its segments exist. `uri_pattern` has a `%d`."""
    target = max((math.ceil(d - 1e-6) for d in durations), default=1)
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{max(1, target)}", "#EXT-X-MEDIA-SEQUENCE:0"]
    lines += ["#EXT-X-PLAYLIST-TYPE:VOD", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for number, duration in enumerate(durations, start=start_number):
        lines += [f"#EXTINF:{duration:.6f},", uri_pattern.replace("%d", str(number))]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


# H.264 levels by luma macroblocks per second, as encoders pick them (Table A-1).
H264_LEVELS = ((40500, 30), (108000, 31), (216000, 32), (245760, 40), (522240, 42), (983040, 51), (2073600, 52))


def h264_level(width: int, height: int, fps: float | None) -> int:
    rate = math.ceil(width / 16) * math.ceil(height / 16) * (fps or 30.0)
    return next((level for limit, level in H264_LEVELS if rate <= limit), 62)


def estimated_variant(variant: HlsVariant, rendition: Rendition, uri: str) -> VariantStream:
    """What the master says of a rendition not encoded yet: its peak from the rate cap."""
    audio = rendition.audio.bitrate_kbps if variant.has_audio else 0
    peak = ((rendition.video.max_rate_kbps or rendition.video.bitrate_kbps or 5000) + audio) * 1000
    codecs = [video_codec_string("h264", "High", h264_level(variant.width, variant.height, variant.fps))]
    if variant.has_audio:
        codecs.append(audio_codec_string(rendition.audio.codec) or "mp4a.40.2")
    return VariantStream(
        uri=uri,
        bandwidth=peak,
        average_bandwidth=int(peak * 0.6),
        width=variant.width,
        height=variant.height,
        codecs=",".join(codecs),
        frame_rate=variant.fps,
    )


def jit_master(variants: Sequence[VariantStream]) -> str:
    """Lowest rendition first: players start with the first one listed, and its segments are
    the quickest to encode; they switch up as the bandwidth they measure allows."""
    return master_playlist(variants, lowest_first=True)


# --- encoding a run of segments ------------------------------------------------------------
STREAM_FILE = "stream.ts"


def span_context(
    base: EncodeContext,
    spans: Sequence[SegmentSpan],
    first: int,
    count: int,
    *,
    earlier: float = 0.0,
) -> EncodeContext:
    """Segments first…first+count-1 in one run: decoded from the first one's keyframe (or
    `earlier` seconds before it), trimmed to the grid, timed as in the ladder, written as one
    stream to cut at the grid lines (run_boundaries)."""
    last = min(first + count, len(spans)) - 1
    segment = spans[first].start if first else 0.0
    until = spans[last + 1].start if last + 1 < len(spans) else None
    return replace(
        base,
        seek=segment,
        until=until,
        decode_from=max(0.0, round(spans[first].decode_from - earlier, 6)),
        output_ts_offset=segment,
        segment_start_number=first,
        stream_to=STREAM_FILE,
    )


def run_boundaries(spans: Sequence[SegmentSpan], first: int, count: int) -> list[int]:
    """Where a run's stream is cut (90 kHz PTS): the grid lines of its 2nd, 3rd, … segments, and
    the one it ends on — past which ffmpeg may still repeat the last frame (its constant-rate
    output fills the last frame's duration), which belongs to no segment of this run."""
    last = min(first + count, len(spans))
    return boundaries_for([spans[k].start for k in range(first + 1, min(last + 1, len(spans)))])


def segment_invocation(
    job: HlsJob,
    rendition: str,
    info: SourceInfo,
    base: EncodeContext,
    spans: Sequence[SegmentSpan],
    first: int,
    count: int,
    *,
    earlier: float = 0.0,
) -> Invocation:
    """The one ffmpeg run that encodes segments first…first+count-1 of one rendition: the ladder's
    own HLS job narrowed to that rendition, planned by the same planner."""
    chosen = next(r for r in job.renditions if r.name == rendition)
    single = replace(job, renditions=(chosen,), mp4_fallback=(), subtitles=(), copy_subtitles=False, encryption=None)
    context = span_context(base, spans, first, count, earlier=earlier)
    (invocation,) = plan_process([(0, single)], info, context)
    return invocation


# A seek into a container without an index lands on a byte the demuxer guessed; the sound's first
# packet there can be a fragment that decodes as a different stream (8 kHz mono where the rest is
# 48 kHz stereo), and ffmpeg cannot re-plan a filter graph for that ("Changing audio frame
# properties on the fly is not supported"). Starting the decode a little earlier lands elsewhere.
FALSE_START = "Error reinitializing filters"
RETRY_EARLIER = (0.0, 0.53, 1.17)


def false_start(stderr_tail: Sequence[str]) -> bool:
    return any(FALSE_START in line for line in stderr_tail)


def run_span(plan: Callable[[float], Invocation], run: Callable[[Invocation], RunResult]) -> RunResult:
    """Run a span's invocation (planned for a decode `earlier` seconds before its keyframe),
    again from a little earlier when the decode started on a false start."""
    result = run(plan(RETRY_EARLIER[0]))
    for earlier in RETRY_EARLIER[1:]:
        if result.ok or not false_start(result.stderr_tail):
            break
        result = run(plan(earlier))
    return result

"""Fast start without JIT, the pure parts: whether a source's own streams can be played as they
are (H.264 a browser plays, AAC or no sound, within the ladder's top rung), where to cut them
(on the source's own keyframes: these segments are not a ladder rung, so their boundaries need
not match anything), and the remux that writes a run of them."""

from __future__ import annotations

from collections.abc import Sequence

from .hls import VariantStream, audio_codec_string, master_playlist, video_codec_string
from .jit import INDEXED_FORMATS, UNINDEXED_SEEK_MARGIN, SegmentSpan
from .keyframes import KeyframeIndex
from .ladder import MAX_FPS, display_size
from .plan import GLOBAL_ARGS, Invocation
from .probe import SOURCE_FORMATS, SourceInfo
from .tscut import boundaries_for

# H.264 profiles every browser's decoder takes (no 10-bit, no 4:2:2 or 4:4:4).
PLAYABLE_PROFILES = {"Baseline", "Constrained Baseline", "Main", "High"}
PLAYABLE_PIXEL_FORMATS = {"yuv420p", "yuvj420p"}
COPY_FOLDER = "source"
# A copy run starts this far before its keyframe in containers without an index, and reads this
# far past its end (the cutter drops what belongs to no segment of the run).
READ_PAST = 1.0
# The copy's own timeline: every run writes its packets at their source time plus this, enough
# that no decode time is negative whatever the source's B-frame delay.
COPY_LEAD = 1.0


def copy_incompatibility(
    info: SourceInfo, top_short_side: int, index: KeyframeIndex | None, *, max_gap: float
) -> str | None:
    """Why the source's own streams cannot be played as a fast start, or None. Without an index
    (the worker, deciding whether to encode a first rendition) its keyframes are not judged."""
    video = info.video
    if video is None or info.is_image:
        return "no video"
    if video.codec != "h264" or (video.profile or "") not in PLAYABLE_PROFILES:
        return f"{video.codec} {video.profile or ''} is not H.264 every browser plays".replace("  ", " ")
    if (video.pix_fmt or "") not in PLAYABLE_PIXEL_FORMATS or video.bit_depth != 8:
        return f"pixel format {video.pix_fmt}"
    if info.audio and info.audio[0].codec != "aac":
        return f"sound in {info.audio[0].codec}, not AAC"
    if video.rotation % 360 or video.is_interlaced:
        return "rotated or interlaced video needs processing"
    if (video.sample_aspect_ratio or "1:1") not in ("1:1", "0:1", "N/A"):
        return "non-square pixels"
    width, height = display_size(video)
    if min(width, height) > top_short_side or (video.avg_fps or video.fps or 0) > MAX_FPS:
        return "larger or faster than the ladder's top rendition"
    if index is not None and (not index.keyframes or index.longest_keyframe_gap() > max_gap):
        return "keyframes too far apart"
    return None


def copy_grid(index: KeyframeIndex, target: float, *, format_name: str) -> list[SegmentSpan]:
    """Segments of at least `target` seconds, each starting on a keyframe."""
    starts = [index.frames[0]]
    for keyframe in index.keyframes:
        if keyframe >= starts[-1] + target - 1e-6:
            starts.append(keyframe)
    ends = [*starts[1:], index.end]
    margin = 0.0 if format_name in INDEXED_FORMATS else UNINDEXED_SEEK_MARGIN
    return [
        SegmentSpan(
            index=i,
            start=start,
            first_frame=start,
            duration=round(end - start, 6),
            decode_from=max(0.0, start - margin),
            # not checked: a copy keeps an open GOP's leading frames after its keyframe (decode
            # order), where the index, in display order, counts them in the segment before
            frames=0,
        )
        for i, (start, end) in enumerate(zip(starts, ends, strict=True))
    ]


def copy_label(info: SourceInfo) -> str:
    """What availableResolutions calls the copy: its short side, as rungs are named."""
    assert info.video is not None
    return f"{min(display_size(info.video))}p"


def copy_master(info: SourceInfo, playlist: str) -> str:
    assert info.video is not None
    video = info.video
    width, height = display_size(video)
    rate = (video.bit_rate or info.bit_rate or 5_000_000) + sum(a.bit_rate or 128_000 for a in info.audio[:1])
    codecs = [video_codec_string("h264", video.profile, video.level)]
    if info.audio:
        codecs.append(audio_codec_string("aac") or "mp4a.40.2")
    variant = VariantStream(
        uri=playlist,
        bandwidth=int(rate * 1.5),  # a peak over the average, which is all the container says
        average_bandwidth=int(rate),
        width=width,
        height=height,
        codecs=",".join(codecs),
        frame_rate=video.avg_fps or video.fps,
    )
    return master_playlist([variant])


def copy_invocation(
    input_path: str,
    info: SourceInfo,
    spans: Sequence[SegmentSpan],
    first: int,
    count: int,
    *,
    ffmpeg: str = "ffmpeg",
    protocols: str = "file,pipe",
    stream: str = "stream.ts",
) -> Invocation:
    """Remux segments first…first+count-1: the demuxer seeks to the first one's keyframe (the
    packets before it are dropped by ffmpeg's copy), timestamps land on the copy's timeline."""
    assert info.video is not None
    last = min(first + count, len(spans))
    start = spans[first].decode_from
    argv = [ffmpeg, *GLOBAL_ARGS, "-protocol_whitelist", protocols, "-format_whitelist", SOURCE_FORMATS]
    if start:
        argv += ["-ss", f"{start:.6f}"]
    if last < len(spans):
        argv += ["-to", f"{spans[last].start + READ_PAST:.6f}"]
    argv += ["-i", input_path, "-map", f"0:{info.video.index}"]
    if info.audio:
        argv += ["-map", f"0:{info.audio[0].index}"]
    argv += ["-c", "copy", "-output_ts_offset", f"{start + COPY_LEAD:.6f}", "-max_muxing_queue_size", "4096"]
    argv += ["-f", "mpegts", "-mpegts_copyts", "1", "-flush_packets", "1", stream]
    seconds = sum(span.duration for span in spans[first:last])
    return Invocation(
        argv=tuple(argv), duration=seconds, frames=None, weight=seconds, job_indexes=(), files=(),
        finishers=(), directories=(),
    )  # fmt: skip


def copy_boundaries(spans: Sequence[SegmentSpan], first: int, count: int) -> list[int]:
    last = min(first + count, len(spans))
    return boundaries_for([spans[k].start for k in range(first + 1, min(last + 1, len(spans)))], COPY_LEAD)

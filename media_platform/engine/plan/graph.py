"""The shared part of an invocation: one input, decoded once, fanned out to every job."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ffmpeg

from ..ladder import display_size
from ..probe import SOURCE_FORMATS, SourceInfo, VideoStreamInfo
from ..spec import Job, Watermark
from ..transforms import FilterStep, OverlayStep, VideoStep
from .colour import colour_branches
from .timeline import sound_from_start


@dataclass(frozen=True)
class EncodeContext:
    """Where and how one ffmpeg invocation runs. Paths of outputs are relative to its cwd."""

    input_path: str
    ffmpeg: str = "ffmpeg"
    threads: int = 0
    protocols: str = "file,pipe"
    seek: float | None = None  # chunked encoding: decode from here …
    until: float | None = None  # … to here (source time)
    segment_start_number: int = 0
    max_pixels: int | None = None
    # A part of a longer timeline (a chunk piece, a run of JIT segments): outputs carry the part's
    # place in it, so parts join without a timestamp jump (plan/timeline.py: the one rule), and
    # samplings follow the whole timeline.
    output_ts_offset: float | None = None
    timeline: float | None = None
    # An exact span (chunk pieces, JIT segments): the demuxer seeks here (at or before the keyframe
    # the span's first frame needs), and filters keep exactly the frames of [seek, until) — input
    # `-to` overshoots in containers without an index, and their seeks can land past the keyframe.
    decode_from: float | None = None
    # HLS: cut segments this much sooner than segment_duration (see hls_slave).
    segment_cut_slack: float = 0.0
    # JIT: an HLS job writes its one rendition as a single MPEG-TS stream here, flushed packet by
    # packet, instead of segments (the HLS muxer holds each segment in memory until it is whole);
    # the caller cuts it on the grid as it grows (engine.tscut).
    stream_to: str | None = None

    @property
    def exact_span(self) -> bool:
        return self.decode_from is not None


def fan_out(stream: Any, count: int, *, audio: bool = False) -> list[Any]:
    """`count` independent copies of a stream (split/asplit only when there is more than one)."""
    if count <= 1:
        return [stream] * count
    node = stream.filter_multi_output("asplit" if audio else "split", count)
    return [node[i] for i in range(count)]


def decoded_size(video: VideoStreamInfo) -> tuple[int, int]:
    """The frames' size as ffmpeg hands them on: it applies the rotation while decoding."""
    return (video.height, video.width) if video.rotation % 180 else (video.width, video.height)


def to_display_size(stream: Any, video: VideoStreamInfo) -> Any:
    """Square pixels at the even display size that every geometry in the plan is computed from.

    Without it a non-square-pixel source would be encoded squashed (its SAR dropped by setsar),
    and an odd-sized one would reach the encoder odd (x264 refuses 427x239)."""
    size = display_size(video)
    if size == decoded_size(video):
        return stream
    return stream.filter("scale", *size).filter("setsar", "1")


def span(stream: Any, ctx: EncodeContext, *, audio: bool) -> Any:
    """An exact span's frames (or samples): from `seek` up to, not including, `until`, timed from
    `seek`. Times are relative to where the input was seeked (decode_from); the shift is rounded
    to the stream's own time base as the trim's bounds are, so no frame moves by a tick."""
    if not ctx.exact_span:
        return stream
    assert ctx.decode_from is not None
    start = round((ctx.seek or 0.0) - ctx.decode_from, 6)
    bounds: dict[str, Any] = {}
    if start > 0:
        bounds["start"] = seconds(start)
    if ctx.until is not None:
        bounds["end"] = seconds(ctx.until - ctx.decode_from)
    if not bounds:
        return stream
    stream = stream.filter("atrim" if audio else "trim", **bounds)
    if start > 0:
        stream = stream.filter("asetpts" if audio else "setpts", f"PTS-round({seconds(start)}/TB)")
    return stream


def seconds(value: float) -> str:
    """A time as ffmpeg reads durations: plain decimals to the microsecond (never `1e-06`)."""
    return f"{value:.6f}"


def apply_steps(stream: Any, steps: Iterable[VideoStep], graph: Graph) -> Any:
    for item in steps:
        if isinstance(item, OverlayStep):
            mark = graph.image(item.source).filter("scale", item.width, item.height)
            if item.opacity < 1:
                mark = mark.filter("format", "rgba").filter("colorchannelmixer", aa=round(item.opacity, 3))
            stream = ffmpeg.overlay(stream, mark, x=item.x, y=item.y, eof_action="repeat")
        else:
            stream = _filter(stream, item)
    return stream


def _filter(stream: Any, item: FilterStep) -> Any:
    return stream.filter(item.name, *item.args, **item.options())


class Graph:
    """Splits the decoded source once for all jobs; hands out one branch per consumer."""

    def __init__(self, info: SourceInfo, ctx: EncodeContext, jobs: list[Job], *, audio_consumers: int):
        if info.video is None:
            raise ValueError("a source without a video stream cannot be planned")
        self.info, self.ctx = info, ctx
        input_opts: dict[str, Any] = {"protocol_whitelist": ctx.protocols, "format_whitelist": SOURCE_FORMATS}
        if ctx.exact_span:
            if ctx.decode_from:
                input_opts["ss"] = seconds(ctx.decode_from)
        else:
            if ctx.seek:
                input_opts["ss"] = round(ctx.seek, 6)
            if ctx.until is not None:
                input_opts["to"] = round(ctx.until, 6)
        if ctx.max_pixels:
            input_opts["max_pixels"] = ctx.max_pixels
        self.source = ffmpeg.input(ctx.input_path, **input_opts)
        video = span(self.source[str(info.video.index)], ctx, audio=False)
        if info.video.is_interlaced:
            # Decode once, deinterlace once: every output of an interlaced source needs it.
            video = video.filter("bwdif", mode="send_frame", parity="auto", deint="interlaced")
        video = to_display_size(video, info.video)
        # An HDR source is tone-mapped here, once, for the jobs that want SDR.
        self._video = iter(colour_branches(video, info.video, jobs, fan_out))
        audio_count = audio_consumers if info.audio else 0
        self._audio = (
            iter(
                fan_out(
                    sound_from_start(span(self.source[str(info.audio[0].index)], ctx, audio=True)),
                    audio_count,
                    audio=True,
                )
            )
            if audio_count
            else iter(())
        )
        uses = Counter(t.source for job in jobs for t in job.transformations if isinstance(t, Watermark))
        self._images = {
            path: iter(fan_out(ffmpeg.input(path, protocol_whitelist="file,pipe"), count))
            for path, count in uses.items()
        }

    @property
    def duration(self) -> float:
        start = self.ctx.seek or 0.0
        end = self.ctx.until if self.ctx.until is not None else self.info.duration
        return max(0.0, end - start)

    def video(self) -> Any:
        return next(self._video)

    def audio(self) -> Any:
        return next(self._audio)

    def image(self, path: str) -> Any:
        return next(self._images[path])

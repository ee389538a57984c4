"""Jobs that need a few moments of the source, not all of it: thumbnails, screenshots, preview
clips. Each seeks its input (`-ss` before `-i` decodes from the nearest keyframe), so a
thumbnail of a two-hour film costs one GOP, not two hours of decoding."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import ffmpeg

from ..ladder import display_size
from ..probe import SourceInfo
from ..spec import Job, PreviewClipJob, Rendition, ScreenshotsJob, ThumbnailJob, Trim, VideoSettings
from ..transforms import Geometry, apply_transformations, fit_within
from .graph import EncodeContext, Graph, apply_steps
from .outputs import PlannedFile, join
from .video_jobs import encode_options

MAX_INPUTS = 32  # per invocation; screenshots beyond that go to further invocations


@dataclass(frozen=True)
class PointPlan:
    outputs: list[Any]
    files: list[PlannedFile]
    seconds: float  # roughly how much decoding it costs, to weigh its progress


@dataclass(frozen=True)
class Window:
    start: float
    duration: float


def job_window(job: Job, duration: float) -> Window:
    """The part of the source a job sees once its trims apply (they compose in order)."""
    start, length = 0.0, duration
    for t in job.transformations:
        if isinstance(t, Trim):
            cut = max(0.0, float(t.start_time or 0))
            start, length = start + cut, max(0.0, length - cut)
            if t.duration:
                length = min(length, float(t.duration))
    return Window(start, length)


def clamp_time(time: float, window: Window) -> float:
    # Never past the last frame: a time beyond the end would yield no picture at all.
    return round(min(max(0.0, time), max(0.0, window.duration - 0.25)), 3)


def default_thumbnail_time(duration: float) -> float:
    """A frame a little way in: past fades from black, early enough for short clips."""
    return min(duration * 0.1, 5.0)


def seeked_video(
    job: Job, info: SourceInfo, ctx: EncodeContext, at: float, length: float | None = None
) -> tuple[Graph, Any, Geometry]:
    """A graph whose input starts at source time `at`, with the job's non-trim transformations."""
    assert info.video is not None
    untrimmed = replace(job, transformations=tuple(t for t in job.transformations if not isinstance(t, Trim)))
    graph = Graph(info, replace(ctx, seek=at, until=at + length if length else None), [untrimmed], audio_consumers=0)
    width, height = display_size(info.video)
    applied = apply_transformations(untrimmed.transformations, Geometry(width, height, length or info.duration))
    return graph, apply_steps(graph.video(), applied.video, graph), applied.geometry


def image_options(path: str) -> dict[str, Any]:
    extension = path.rsplit(".", 1)[-1].lower()
    codec = {"png": "png", "webp": "libwebp"}.get(extension, "mjpeg")
    opts: dict[str, Any] = {"c:v": codec, "frames:v": 1, "update": 1}
    if codec == "mjpeg":
        opts.update({"pix_fmt": "yuvj420p", "q:v": 3})
    return opts


def thumbnail_time(job: ThumbnailJob, duration: float) -> float:
    """Seconds into the job's window (its trims applied) of the frame the thumbnail shows."""
    window = job_window(job, duration)
    return clamp_time(default_thumbnail_time(window.duration) if job.time is None else job.time, window)


def thumbnail_size(job: ThumbnailJob, stream: Any, g: Geometry) -> tuple[Any, int, int]:
    if not (job.width or job.height):
        return stream, g.width, g.height
    width, height = fit_within(g.width, g.height, job.width, job.height, upscale=True)
    return stream.filter("scale", width, height), width, height


def plan_thumbnail(job: ThumbnailJob, index: int, info: SourceInfo, ctx: EncodeContext) -> PointPlan:
    """A thumbnail on its own: seek to its frame (one GOP of decoding)."""
    start = job_window(job, info.duration).start
    _, stream, g = seeked_video(job, info, ctx, start + thumbnail_time(job, info.duration))
    stream, width, height = thumbnail_size(job, stream, g)
    path = join(job.prefix, job.filename)
    output = ffmpeg.output(stream, path, **image_options(path))
    return PointPlan([output], [PlannedFile(index, path, "image", None, width, height)], 0.5)


def screenshot_times(duration: float, quantity: int) -> list[float]:
    """Evenly spread, each in the middle of its share of the video."""
    return [round(duration * (i + 0.5) / quantity, 3) for i in range(quantity)]


def screenshot_name(pattern: str, number: int, quantity: int) -> str:
    return pattern.replace("%d", str(number)) if quantity > 1 else pattern


def plan_screenshots(job: ScreenshotsJob, index: int, info: SourceInfo, ctx: EncodeContext) -> Iterator[PointPlan]:
    window = job_window(job, info.duration)
    times = screenshot_times(window.duration, job.quantity)
    for first in range(0, len(times), MAX_INPUTS):
        outputs, files = [], []
        for number, time in enumerate(times[first : first + MAX_INPUTS], start=first + 1):
            _, stream, g = seeked_video(job, info, ctx, window.start + clamp_time(time, window))
            path = join(job.prefix, screenshot_name(job.filename, number, job.quantity))
            # `update` makes the image muxer write the name as given: escaping "%" would rename the file.
            outputs.append(ffmpeg.output(stream, path, **image_options(path)))
            files.append(PlannedFile(index, path, "image", None, g.width, g.height))
        yield PointPlan(outputs, files, 0.2 * len(outputs))


def snippet_windows(duration: float, count: int, length: float) -> list[tuple[float, float]]:
    """`count` (start, length) windows spread evenly, each centred in its share of the video."""
    if count <= 0 or length <= 0 or duration <= count * length:
        return [(0.0, duration)]
    share = duration / count
    return [(round(i * share + (share - length) / 2, 3), length) for i in range(count)]


def plan_preview_clip(job: PreviewClipJob, index: int, info: SourceInfo, ctx: EncodeContext) -> PointPlan:
    window = job_window(job, info.duration)
    streams, geometry = [], None
    windows = snippet_windows(window.duration, job.num_snippets, job.snippet_duration)
    for start, length in windows:
        graph, video, geometry = seeked_video(job, info, ctx, window.start + start, length)
        streams.append(video.filter("setsar", "1"))
        if info.has_audio:
            streams.append(graph.source[str(info.audio[0].index)])
    joined = ffmpeg.concat(*streams, v=1, a=1 if info.has_audio else 0).node
    assert geometry is not None
    rendition = Rendition(name="preview", video=VideoSettings(codec=job.video_codec, crf=23, preset="veryfast"))
    opts = encode_options(rendition, graph, with_audio=info.has_audio)
    path = join(job.prefix, job.filename)
    output_streams = [joined[0]] + ([joined[1]] if info.has_audio else [])
    output = ffmpeg.output(*output_streams, path, movflags="+faststart", **opts)
    seconds = sum(length for _, length in windows)
    return PointPlan([output], [PlannedFile(index, path, "mp4", None, geometry.width, geometry.height)], seconds)

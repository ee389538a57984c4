"""Storyboards, animations and thumbnails, taken from the shared decode as small frame dumps.

ffmpeg reports progress only between steps of its main loop, and keeps stepping for an
output that is waiting for its next frame; a sprite made with `tile` or a palette made with
`palettegen` would hold every report back until the end. So the shared decode writes small
individual frames whose timestamps run far ahead (never the output ffmpeg waits on), and a
finisher assembles the sprite or animation from them afterwards, at a cost of milliseconds.
"""

from __future__ import annotations

import math
from typing import Any

import ffmpeg

from ..ladder import even
from ..spec import AnimationJob, StoryboardJob, ThumbnailJob
from ..transforms import fit_within
from .graph import Graph
from .outputs import AnimationFrames, Branch, Built, PlannedFile, StoryboardFrames, join
from .point_jobs import image_options, thumbnail_size, thumbnail_time

GIF_MAX_SECONDS = 10.0
# Far enough ahead that a dump is never the output ffmpeg waits on; frames count progress.
AHEAD = "PTS+1000000/TB"


def dump_dir(index: int, name: str) -> str:
    return f".work/{index}-{name}"


def dump(stream: Any, folder: str, extension: str, start_number: int = 0) -> Any:
    """Frames numbered from `start_number`: a piece of a longer timeline numbers its frames by
    their place in the whole, so the pieces' frames sort into one sequence."""
    opts: dict[str, Any] = {"fps_mode": "passthrough", "start_number": start_number}
    if extension == "jpg":
        opts.update({"c:v": "mjpeg", "pix_fmt": "yuvj420p", "q:v": 3})
    else:
        opts["c:v"] = "png"
    return ffmpeg.output(stream.filter("setpts", AHEAD), f"{folder}/%05d.{extension}", **opts)


def storyboard_grid(duration: float, interval: float, columns: int) -> tuple[int, int, int]:
    """(frames, columns, rows) for a sprite holding one frame every `interval` seconds."""
    count = max(1, math.ceil(duration / interval)) if duration > 0 else 1
    columns = max(1, min(columns, count))
    return count, columns, math.ceil(count / columns)


def build_storyboard(job: StoryboardJob, index: int, graph: Graph, branch: Branch) -> Built:
    g = branch.geometry
    count, _, _ = storyboard_grid(g.duration, job.interval, job.columns)
    tile_width = even(min(job.tile_width, g.width))
    tile_height = even(tile_width * g.height / g.width)
    folder = dump_dir(index, "storyboard")
    # eof_action=pass keeps the last, partial interval's frame: ceil(duration / interval) tiles, as
    # storyboard_grid counts them, and one (not none) for a source shorter than half an interval.
    sampled = branch.video.filter("fps", fps=f"1/{job.interval:g}", eof_action="pass")
    stream = sampled.filter("scale", tile_width, tile_height)
    sprite, vtt = join(job.prefix, job.sprite_file), join(job.prefix, job.vtt_file)
    finisher = StoryboardFrames(
        index, folder, sprite, vtt, job.sprite_file, job.interval, job.columns, tile_width, tile_height, g.duration
    )
    files = [PlannedFile(index, sprite, "sprite"), PlannedFile(index, vtt, "vtt")]
    first = round((graph.ctx.seek or 0) / job.interval)
    return Built([dump(stream, folder, "jpg", first)], files, [finisher], 0.0, frames=count, dumps=(folder,))


def build_animation(job: AnimationJob, index: int, graph: Graph, branch: Branch) -> Built:
    g = branch.geometry
    width, height = fit_within(g.width, g.height, job.width, job.height, upscale=False)
    folder = dump_dir(index, "animation")
    stream = branch.video
    if job.frame_count:
        # A time-lapse: frame_count pictures sampled evenly across the whole source (the whole
        # timeline, when this is a piece of it).
        timeline = graph.ctx.timeline or g.duration
        rate = max(job.frame_count / max(timeline, 0.001), 0.000001)
        stream = stream.filter("fps", fps=f"{rate:.6f}")
        frames = max(1, round(job.frame_count * g.duration / max(timeline, 0.001)))
        first = int((graph.ctx.seek or 0) * rate)
    else:
        seconds = min(g.duration, GIF_MAX_SECONDS)
        stream = stream.filter("trim", duration=seconds).filter("fps", fps=f"{job.fps:g}")
        frames = max(1, int(seconds * job.fps))
        first = 0
    stream = stream.filter("scale", width, height)
    path = join(job.prefix, job.filename)
    finisher = AnimationFrames(index, folder, path, job.fps, job.frame_count)
    files = [PlannedFile(index, path, "animation", None, width, height)]
    return Built([dump(stream, folder, "png", first)], files, [finisher], 0.0, frames=frames, dumps=(folder,))


def build_thumbnail(job: ThumbnailJob, index: int, graph: Graph, branch: Branch) -> Built:
    """The thumbnail's frame, picked from the shared decode as it passes (no seek, no second
    decode). The first frame goes out at once and the first at or after the chosen moment
    overwrites it (`update`): an output that has written nothing yet is the one ffmpeg waits
    on, which would hold every progress report back until that moment."""
    at = f"{thumbnail_time(job, graph.info.duration):g}"
    picked = branch.video.filter("select", f"eq(n,0)+gt(n,0)*gte(t,{at})*lt(prev_selected_t,{at})")
    stream, width, height = thumbnail_size(job, picked, branch.geometry)
    path = join(job.prefix, job.filename)
    opts = {**image_options(path), "fps_mode": "passthrough"}
    del opts["frames:v"]
    output = ffmpeg.output(stream.filter("setpts", AHEAD), path, **opts)
    return Built([output], [PlannedFile(index, path, "image", None, width, height)], [], 0.0, frames=1)

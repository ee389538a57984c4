"""Spec + SourceInfo → ffmpeg invocations.

Every job that needs the whole timeline (ladders, MP4s, storyboards, animations) shares ONE
invocation that decodes the source once and splits it, and a thumbnail rides along in it;
jobs that need a few moments (screenshots, preview clips, a thumbnail alone) get short
invocations that seek their input.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ffmpeg

from ..ladder import display_size
from ..probe import SourceInfo
from ..spec import (
    AnimationJob,
    AudioJob,
    DashJob,
    HlsJob,
    Job,
    Mp4Job,
    PreviewClipJob,
    ScreenshotsJob,
    SpeechToTextJob,
    StoryboardJob,
    ThumbnailJob,
)
from ..transforms import Geometry
from .audio_jobs import plan_audio
from .dash_jobs import build_dash
from .graph import EncodeContext, Graph
from .image_jobs import build_animation, build_storyboard, build_thumbnail
from .outputs import (
    AnimationFrames,
    Branch,
    Built,
    CencBoxes,
    CodecVariants,
    DashPackage,
    Finisher,
    HlsMaster,
    HlsSubtitle,
    HlsVariant,
    Mp4DecodeTimes,
    Mp4Subtitles,
    PlannedFile,
    StoryboardFrames,
    SubtitleSource,
    Transcription,
    join,
    open_branch,
)
from .point_jobs import PointPlan, plan_preview_clip, plan_screenshots, plan_thumbnail
from .speech_jobs import plan_speech
from .video_jobs import build_hls, build_mp4, subtitle_copy_outputs

__all__ = [
    "AnimationFrames",
    "CencBoxes",
    "CodecVariants",
    "DashPackage",
    "EncodeContext",
    "Finisher",
    "HlsMaster",
    "HlsSubtitle",
    "HlsVariant",
    "Invocation",
    "Mp4DecodeTimes",
    "Mp4Subtitles",
    "PlannedFile",
    "StoryboardFrames",
    "SubtitleSource",
    "Transcription",
    "plan_process",
    "wants_audio",
]

Builder = Callable[[Job, int, Graph, Branch], Built]
# In this order in the shared invocation: dense video outputs first, so the first video
# output (whose frame count measures progress) is a real encode, not a sparse dump.
TIMELINE_BUILDERS: dict[type, Builder] = {
    HlsJob: build_hls,  # type: ignore[dict-item]
    Mp4Job: build_mp4,  # type: ignore[dict-item]
    DashJob: build_dash,  # type: ignore[dict-item]
    StoryboardJob: build_storyboard,  # type: ignore[dict-item]
    AnimationJob: build_animation,  # type: ignore[dict-item]
    ThumbnailJob: build_thumbnail,  # type: ignore[dict-item]
}
# Taken from the shared decode when there is one, for free; alone, they seek instead of
# decoding the whole source for one frame.
RIDERS = (ThumbnailJob,)
GLOBAL_ARGS = ("-hide_banner", "-nostdin", "-y", "-loglevel", "level+warning", "-nostats", "-progress", "pipe:1")


@dataclass(frozen=True)
class Invocation:
    argv: tuple[str, ...]
    duration: float  # seconds of output timeline, for progress
    frames: int | None  # frames of the first video output, the better progress measure
    weight: float  # share of the process's work, relative to the other invocations
    job_indexes: tuple[int, ...]
    files: tuple[PlannedFile, ...]
    finishers: tuple[Finisher, ...]
    directories: tuple[str, ...]  # made before ffmpeg runs: muxers do not create folders
    scratch: tuple[str, ...] = ()  # frame dumps, removed once the finishers have run
    setup_files: tuple[tuple[str, bytes], ...] = ()  # written into the cwd before ffmpeg runs


def wants_audio(job: Job) -> bool:
    if isinstance(job, HlsJob):
        return any(not r.audio.mute for r in job.renditions)
    if isinstance(job, Mp4Job):
        return not job.rendition.audio.mute
    if isinstance(job, DashJob):
        return any(not r.audio.mute for r in job.renditions)
    return isinstance(job, PreviewClipJob)


def _argv(ctx: EncodeContext, outputs: list) -> tuple[str, ...]:
    return (ctx.ffmpeg, *GLOBAL_ARGS, *ffmpeg.merge_outputs(*outputs).get_args())


def _directories(files: Sequence[PlannedFile], scratch: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({os.path.dirname(f.path) for f in files if os.path.dirname(f.path)} | set(scratch)))


def codec_finishers(jobs: Sequence[tuple[int, Job]]) -> list[Finisher]:
    return [
        CodecVariants(index, join(job.prefix, job.playlist_name), job.codec_masters)
        for index, job in jobs
        if isinstance(job, HlsJob) and job.codec_masters
    ]


def plan_timeline(jobs: Sequence[tuple[int, Job]], info: SourceInfo, ctx: EncodeContext) -> Invocation:
    """One ffmpeg command for `jobs` (index, job): decode once, split, encode every output."""
    ordered = sorted(jobs, key=lambda item: list(TIMELINE_BUILDERS).index(type(item[1])))
    job_list = [job for _, job in ordered]
    graph = Graph(info, ctx, job_list, audio_consumers=sum(1 for job in job_list if wants_audio(job)))
    assert info.video is not None  # Graph refuses sources without video
    width, height = display_size(info.video)
    base = Geometry(width, height, graph.duration)
    outputs, files, finishers, durations, frames = [], [], [], [], []
    scratch: list[str] = []
    setup: list[tuple[str, bytes]] = []
    for index, job in ordered:
        branch = open_branch(job, graph, base, wants_audio=wants_audio(job))
        built = TIMELINE_BUILDERS[type(job)](job, index, graph, branch)
        outputs += built.outputs
        files += built.files
        finishers += built.finishers
        scratch += built.dumps
        setup += built.setup_files
        durations.append(built.duration)
        frames.append(built.frames)
    finishers += codec_finishers(ordered)  # last: after every master and packaging is written
    # Last, so the first output (whose frames measure progress) stays a video encode.
    copies, copy_scratch = subtitle_copy_outputs(job_list, graph)
    outputs += copies
    scratch += copy_scratch
    return Invocation(
        argv=_argv(ctx, outputs),
        duration=max(durations) or graph.duration,
        frames=frames[0],
        weight=max(graph.duration, 0.1),
        job_indexes=tuple(index for index, _ in ordered),
        files=tuple(files),
        finishers=tuple(finishers),
        directories=_directories(files, scratch),
        scratch=tuple(scratch),
        setup_files=tuple(setup),
    )


def _point(plan: PointPlan, index: int, ctx: EncodeContext, duration: float | None = None) -> Invocation:
    return Invocation(
        argv=_argv(ctx, plan.outputs),
        duration=duration or plan.seconds,
        frames=None,
        weight=plan.seconds,
        job_indexes=(index,),
        files=tuple(plan.files),
        finishers=(),
        directories=_directories(plan.files, ()),
    )


def _speech(job: SpeechToTextJob, index: int, info: SourceInfo, ctx: EncodeContext) -> list[Invocation]:
    plan = plan_speech(job, index, info, ctx)
    if plan is None:
        return []
    return [
        Invocation(
            argv=_argv(ctx, [plan.output]),
            duration=plan.seconds,
            frames=None,
            # Extracting the sound is quick; the transcription after it is not measured.
            weight=max(plan.seconds * 0.05, 0.1),
            job_indexes=(index,),
            files=tuple(plan.files),
            finishers=(plan.finisher,),
            directories=_directories(plan.files, (plan.folder,)),
            scratch=(plan.folder,),
        )
    ]


def plan_points(index: int, job: Job, info: SourceInfo, ctx: EncodeContext) -> list[Invocation]:
    if isinstance(job, SpeechToTextJob):
        return _speech(job, index, info, ctx)
    if isinstance(job, AudioJob):
        outputs, files = plan_audio(job, index, info, ctx)
        if not outputs:
            return []
        # Audio alone encodes some twenty times faster than real time: a small share of the work.
        return [_point(PointPlan(outputs, files, info.duration * 0.05), index, ctx, duration=info.duration)]
    if isinstance(job, ThumbnailJob):
        return [_point(plan_thumbnail(job, index, info, ctx), index, ctx)]
    if isinstance(job, ScreenshotsJob):
        return [_point(plan, index, ctx) for plan in plan_screenshots(job, index, info, ctx)]
    if isinstance(job, PreviewClipJob):
        return [_point(plan_preview_clip(job, index, info, ctx), index, ctx)]
    raise TypeError(f"not a point job: {type(job).__name__}")


def plan_process(jobs: Sequence[tuple[int, Job]], info: SourceInfo, ctx: EncodeContext) -> list[Invocation]:
    """All invocations for a process's jobs: the shared decode first, then the point jobs."""
    timeline = [(i, job) for i, job in jobs if type(job) in TIMELINE_BUILDERS and type(job) not in RIDERS]
    if timeline:
        timeline += [(i, job) for i, job in jobs if type(job) in RIDERS]
    invocations = [plan_timeline(timeline, info, ctx)] if timeline else []
    shared = {index for index, _ in timeline}
    for index, job in jobs:
        if index not in shared:
            invocations += plan_points(index, job, info, ctx)
    return invocations

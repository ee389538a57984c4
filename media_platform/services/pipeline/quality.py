"""Output quality around an encode: VMAF targets turned into CRFs before the plan (per title, on
samples: media_platform.engine.quality), the achieved VMAF measured on each output after it, and
the notes on what became of an HDR source's colours.

A target that cannot be searched (no ffmpeg with libvmaf, a sample that would not cut) never fails
the process: the rendition keeps its fallback CRF and a Warning says so.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings

from media_platform.engine.diagnostics import check_colour
from media_platform.engine.issues import Issue, IssueCode, Severity
from media_platform.engine.ladder import CODEC_CRF
from media_platform.engine.plan.point_jobs import job_window
from media_platform.engine.probe import SourceInfo
from media_platform.engine.quality import crf_text, sample_windows, search_crf
from media_platform.engine.spec import HlsJob, Job, Mp4Job, Rendition, to_json
from media_platform.engine.vmaf import QualityError, Samples, Tools, measure_output
from media_platform.models import EncodingJob, EncodingOutput, EncodingProcess
from media_platform.services.messages import transcoding_messages_add

from .binaries import vmaf_binary
from .execute import Cancelled, Execution, encode_context

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Achieved:
    job_index: int
    rendition: str
    paths: tuple[str, ...]  # the outputs of that encode (an HLS variant and its MP4 fallback)
    vmaf: float
    target: float
    crf: float | None
    subsample: int


# --- Tools ------------------------------------------------------------------------------------
def quality_tools() -> Tools | None:
    binary = vmaf_binary()
    if binary is None:
        return None
    threads = settings.FFMPEG_THREADS or os.cpu_count() or 1
    return Tools(ffmpeg=settings.FFMPEG_BINARY, vmaf_ffmpeg=binary, threads=threads)


def renditions(job: Job) -> tuple[Rendition, ...]:
    if isinstance(job, HlsJob):
        return job.renditions
    if isinstance(job, Mp4Job):
        return (job.rendition,)
    return ()


def targeted(rendition: Rendition) -> bool:
    return rendition.video.vmaf_target is not None and not rendition.video.bitrate_kbps


def _with_renditions(job: Job, items: Sequence[Rendition]) -> Job:
    if isinstance(job, HlsJob):
        return replace(job, renditions=tuple(items))
    assert isinstance(job, Mp4Job)  # the only other kind with renditions
    return replace(job, rendition=items[0])


def _issue(level: Severity, message: str, value: str | None = None) -> Issue:
    return Issue(level, IssueCode.TRANSCODING_WARNINGS, message, value)


# --- Before the plan ----------------------------------------------------------------------
def quality_prepare(
    *,
    process: EncodingProcess,
    jobs: list[tuple[int, Job]],
    info: SourceInfo,
    source: Path,
    work: Path,
    should_stop: Callable[[], bool] | None = None,
) -> list[tuple[int, Job]]:
    """The jobs with every VMAF target resolved to a CRF (stored on their rows too, so chunked
    pieces and the admin see it); colour notes for an HDR source."""
    transcoding_messages_add(process=process, issues=check_colour(info, [job for _, job in jobs]))
    if info.video is None or not any(targeted(r) for _, job in jobs for r in renditions(job)):
        return jobs
    tools = quality_tools()
    resolved = []
    for index, job in jobs:
        items = list(renditions(job))
        if not any(targeted(r) for r in items):
            resolved.append((index, job))
            continue
        items = [_resolve(process, tools, job, r, info, source, work, should_stop) if targeted(r) else r for r in items]
        job = _with_renditions(job, items)
        EncodingJob.objects.filter(process=process, index=index).update(spec=to_json(job))
        resolved.append((index, job))
    return resolved


def _resolve(process, tools, job, rendition, info, source, work, should_stop) -> Rendition:
    video = rendition.video
    target = float(video.vmaf_target)
    fallback = video.crf if video.crf is not None else CODEC_CRF[video.codec]
    if tools is None:
        message = f"VMAF cannot be measured on this worker (no ffmpeg with libvmaf): {rendition.name} used CRF"
        transcoding_messages_add(process=process, issues=[_issue(Severity.WARNING, f"{message} {fallback:g}.")])
        return replace(rendition, video=replace(video, crf=fallback))

    def score(crf: float) -> float:
        if should_stop is not None and should_stop():
            raise Cancelled()
        return samples.score(crf)

    with tempfile.TemporaryDirectory(prefix="quality-", dir=work) as folder:
        samples = Samples(tools, Path(folder), job, rendition, info, encode_context(source))
        try:
            samples.cut(sample_windows(job_window(job, info.duration).duration))
            choice = search_crf(score, codec=video.codec, target=target)
        except QualityError as exc:
            log.warning("process %s: VMAF search failed: %s", process.public_id, exc)
            message = f"The VMAF search for {rendition.name} failed ({exc}); CRF {fallback:g} was used."
            transcoding_messages_add(process=process, issues=[_issue(Severity.WARNING, message[:2000])])
            return replace(rendition, video=replace(video, crf=fallback))
    log.info(
        "process %s: %s VMAF %g → CRF %s (%s)",
        process.public_id,
        rendition.name,
        target,
        crf_text(choice.crf),
        choice.summary,
    )
    return replace(rendition, video=replace(video, crf=choice.crf))


# --- After the encode ---------------------------------------------------------------------
def quality_measure(
    *,
    process: EncodingProcess,
    jobs: list[tuple[int, Job]],
    info: SourceInfo,
    source: Path,
    outdir: Path,
    execution: Execution,
) -> list[Achieved]:
    """The VMAF each targeted output reached, measured on the whole of it (every n-th frame of a
    long one) against the frames its encoder was given."""
    wanted = [(i, job, r) for i, job in jobs if i not in execution.failed for r in renditions(job) if targeted(r)]
    tools = quality_tools() if wanted else None
    if tools is None:
        return []
    files = [f for inv in execution.invocations for f in inv.files if f.role in ("mp4", "variant")]
    achieved = []
    for index, job, rendition in wanted:
        mine = [f for f in files if f.job_index == index and f.rendition == rendition.name]
        scored = next((f for f in mine if f.role == "mp4"), mine[0] if mine else None)
        if scored is None or not (outdir / scored.path).exists():
            continue
        try:
            score = measure_output(tools, job, rendition, info, encode_context(source), outdir / scored.path)
        except QualityError as exc:
            log.warning("process %s: VMAF of %s not measured: %s", process.public_id, scored.path, exc)
            message = f"The achieved VMAF of {rendition.name} could not be measured: {exc}"
            transcoding_messages_add(process=process, issues=[_issue(Severity.WARNING, message[:2000])])
            continue
        paths = tuple(f.path for f in mine)
        target = float(rendition.video.vmaf_target or 0)
        achieved.append(
            Achieved(index, rendition.name, paths, score.vmaf, target, rendition.video.crf, score.subsample)
        )
    return achieved


def quality_record(*, process: EncodingProcess, achieved: Sequence[Achieved]) -> None:
    """Each score on its outputs (EncodingOutput.vmaf) and as an Information message."""
    issues = []
    for item in achieved:
        EncodingOutput.objects.filter(job__process=process, job__index=item.job_index, path__in=item.paths).update(
            vmaf=item.vmaf
        )
        crf = f", CRF {crf_text(item.crf)}" if item.crf is not None else ""
        frames = f", scored on 1 frame in {item.subsample}" if item.subsample > 1 else ""
        message = f"{item.rendition}: VMAF {item.vmaf:.2f} achieved (target {item.target:g}{crf}{frames})."
        issues.append(_issue(Severity.INFORMATION, message, f"{item.vmaf:.2f}"))
    transcoding_messages_add(process=process, issues=issues)

"""Run a process's jobs as planned invocations, with progress, cancellation and soft failure."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from django.conf import settings

from media_platform.engine.diagnostics import classify_failure
from media_platform.engine.finish import FinishError, apply_finishers
from media_platform.engine.issues import Issue, IssueCode, Severity
from media_platform.engine.packaging import PackagingError
from media_platform.engine.plan import CencBoxes, DashPackage, EncodeContext, Invocation, plan_process
from media_platform.engine.probe import SourceInfo
from media_platform.engine.runner import RunResult, run_ffmpeg
from media_platform.engine.spec import Job
from media_platform.engine.speech import Transcript

from .binaries import vmaf_binary
from .faults import EnvironmentFault, InputError, LeaseLost
from .progress import ProgressRecorder
from .sound import check_sound, silent_if_needed
from .speech import captions_into_masters, speech_settings, speech_without_audio


class Cancelled(Exception):
    pass


@dataclass
class Execution:
    """What ran: the jobs that failed (soft or not), the command lines, the main run's result."""

    failed: dict[int, Issue] = field(default_factory=dict)
    commands: list[str] = field(default_factory=list)
    main: RunResult | None = None
    invocations: list[Invocation] = field(default_factory=list)
    transcripts: dict[int, Transcript] = field(default_factory=dict)  # what speech jobs heard
    info: SourceInfo | None = None  # the probe the outputs were planned from (without sound, if it failed)
    issues: list[Issue] = field(default_factory=list)  # what to tell about the run itself


def encode_context(source: Path) -> EncodeContext:
    """How this worker runs ffmpeg on a source: the binary, its threads, the pixel limit."""
    return EncodeContext(
        input_path=str(source),
        ffmpeg=settings.FFMPEG_BINARY,
        threads=settings.FFMPEG_THREADS,
        max_pixels=settings.MAX_SOURCE_PIXELS,
    )


def _timeout(info: SourceInfo) -> float:
    return 300 + info.duration * settings.FFMPEG_TIMEOUT_FACTOR


class Watch(Protocol):
    """What a run asks while ffmpeg works: a ProgressRecorder, or a chunk's PieceProgress."""

    lease_lost: threading.Event

    def should_stop(self) -> bool: ...


def _run(invocation: Invocation, outdir: Path, info: SourceInfo, on_progress, recorder: Watch) -> RunResult:
    for folder in invocation.directories:
        (outdir / folder).mkdir(parents=True, exist_ok=True)
    for name, content in invocation.setup_files:
        (outdir / name).parent.mkdir(parents=True, exist_ok=True)
        (outdir / name).write_bytes(content)
    result = run_ffmpeg(
        invocation.argv,
        cwd=outdir,
        duration=invocation.duration,
        frames=invocation.frames,
        on_progress=on_progress,
        should_cancel=recorder.should_stop,
        timeout=_timeout(info),
        memory_bytes=settings.FFMPEG_MAX_MEMORY_MB * 1024 * 1024 or None,
        nice=settings.WORKER_FFMPEG_NICE,  # JIT encodes in the web processes run at normal priority
    )
    if result.cancelled:
        if recorder.lease_lost.is_set():
            raise LeaseLost("lease lost during encode")
        raise Cancelled()
    return result


def execute(
    jobs: Sequence[tuple[int, Job]], info: SourceInfo, source: Path, outdir: Path, recorder: ProgressRecorder
) -> Execution:
    """Run the jobs; a source whose sound cannot be decoded is run again without it (sound.py)."""
    issues: list[Issue] = []
    execution = silent_if_needed(
        lambda probe: _execute(jobs, probe, source, outdir, recorder), info, outdir, issues.append
    )
    execution.issues += issues
    return execution


def _execute(
    jobs: Sequence[tuple[int, Job]], info: SourceInfo, source: Path, outdir: Path, recorder: ProgressRecorder
) -> Execution:
    execution = Execution(failed=speech_without_audio(jobs, info), info=info)
    invocations = plan_process(jobs, info, encode_context(source))
    execution.invocations = list(invocations)
    total = sum(inv.weight for inv in invocations) or 1.0
    done = 0.0
    by_index = dict(jobs)
    for invocation in invocations:
        start = done

        def on_progress(fraction: float, start=start, weight=invocation.weight) -> None:
            recorder((start + fraction * weight) / total)

        execution.commands.append(" ".join(invocation.argv))
        result = _run(invocation, outdir, info, on_progress, recorder)
        if execution.main is None:
            execution.main = result
        if result.ok:
            _finish(invocation, outdir, execution)
        else:
            _failed(invocation, result, by_index, info, source, outdir, recorder, execution)
        done += invocation.weight
    captions_into_masters(jobs, execution.transcripts, outdir, execution.failed)
    return execution


def packager_binary(invocation: Invocation) -> str:
    """Encryption needs the static ffmpeg 9 (Debian's 5.1 writes broken fragmented CENC)."""
    if any(isinstance(f, (DashPackage, CencBoxes)) and f.cenc for f in invocation.finishers):
        binary = vmaf_binary()
        if binary is None:
            raise PackagingError("no ffmpeg that can encrypt (the imageio-ffmpeg package) is installed")
        return binary
    return settings.FFMPEG_BINARY


def _finish(invocation: Invocation, outdir: Path, execution: Execution) -> None:
    try:
        transcripts = apply_finishers(
            outdir,
            invocation.finishers,
            invocation.scratch,
            ffmpeg_binary=settings.FFMPEG_BINARY,
            ffprobe=settings.FFPROBE_BINARY,
            speech_settings=speech_settings(),
            packager_binary=packager_binary(invocation),
        )
        execution.transcripts.update(transcripts)
    except PackagingError as exc:
        for index in invocation.job_indexes:
            execution.failed.setdefault(index, Issue(Severity.ERROR, IssueCode.UNDEFINED, f"Packaging failed: {exc}"))
    except FinishError as exc:
        message = str(exc) if exc.code is not IssueCode.UNDEFINED else f"Assembling the output failed: {exc}"
        for index in invocation.job_indexes:
            execution.failed.setdefault(index, Issue(Severity.ERROR, exc.code, message))


def _failed(invocation, result, by_index, info, source, outdir, recorder, execution) -> None:
    check_sound(result, info)
    issue = classify_failure(result)
    if issue is None:
        raise EnvironmentFault("ffmpeg stopped: " + " | ".join(result.stderr_tail[-3:]))
    indexes = invocation.job_indexes
    if len(indexes) > 1 and any(by_index[i].allow_soft_fail for i in indexes):
        # Which job broke the shared run? Run each alone: only the guilty ones fail.
        for index in indexes:
            single = _execute([(index, by_index[index])], info, source, outdir, recorder)
            execution.failed.update(single.failed)
        return
    for index in indexes:
        execution.failed[index] = issue
    if not all(by_index[i].allow_soft_fail for i in indexes):
        raise InputError(issue)

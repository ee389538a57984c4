"""Run one process on this worker: claim, fetch, probe, encode, check, publish, report."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from media_platform.dialects import dialect_named
from media_platform.engine.diagnostics import Limits, check_encode, check_output_streams, check_source
from media_platform.engine.issues import Issue, IssueCode, Severity
from media_platform.engine.probe import SourceInfo, probe_file
from media_platform.engine.spec import Job
from media_platform.models import EncodingJob, EncodingProcess, Video
from media_platform.services.messages import transcoding_messages_add
from media_platform.status import Event, ProcessStatus
from media_platform.storage import workspace

from . import recipes
from .assets import resolve_assets
from .chunked import chunked_start, wants_chunks
from .complete import complete, missing_output
from .create import encoding_jobs_save
from .events import process_event
from .execute import Execution, execute
from .faults import InputError
from .first_rung import first_rung, wants_first_rung
from .guard import encoding_process_fail, guarded
from .inspect import Inspected, inspect_outputs
from .keys import job_of
from .lease import claim, ensure_lease, heartbeat
from .merge import VIDEO_INFO_FIELDS, video_info_updates
from .progress import ProgressRecorder
from .publish import upload
from .quality import quality_measure, quality_prepare, quality_record
from .source import materialize

log = logging.getLogger(__name__)
__all__ = ["encoding_process_fail", "encoding_process_run"]


def encoding_process_run(*, process_id: int, worker_name: str, retries_left: int = 0) -> None:
    process = claim(process_id, worker_name)
    if process is None:
        return  # finished, cancelled, or alive on another worker
    process_event(process, Event.STARTED)
    with guarded(process, retries_left=retries_left):
        with heartbeat(process) as lease_lost, workspace(process.public_id) as work:
            _run(process, work, ProgressRecorder(process, lease_lost))


def file_checksums(path: Path) -> dict:
    md5, sha1 = hashlib.md5(usedforsecurity=False), hashlib.sha1(usedforsecurity=False)
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            md5.update(chunk)
            sha1.update(chunk)
    return {"md5": md5.hexdigest(), "sha1": sha1.hexdigest()}


def limits() -> Limits:
    return Limits(max_duration=settings.MAX_SOURCE_DURATION, max_pixels=settings.MAX_SOURCE_PIXELS)


def _probe(process: EncodingProcess, path: Path) -> SourceInfo:
    if path.stat().st_size == 0:
        raise InputError(Issue(Severity.ERROR, IssueCode.ORIGINAL_CORRUPTED, "The file is empty (0 bytes)."))
    info = probe_file(str(path), ffprobe=settings.FFPROBE_BINARY)
    stored = info.to_json()
    if dialect_named(process.dialect).wants_checksums:  # one more read of the whole file
        stored.update(file_checksums(path))
    EncodingProcess.objects.filter(pk=process.pk).update(source_info=stored, download_finished_at=timezone.now())
    if process.video_id and info.video is not None:
        _record_video_info(process, info)
    issues = check_source(info, limits())
    transcoding_messages_add(process=process, issues=issues)
    fatal = next((issue for issue in issues if issue.is_fatal), None)
    if fatal is not None:
        raise InputError(fatal)
    return info


def _record_video_info(process: EncodingProcess, info: SourceInfo) -> None:
    """The video's probe-derived fields; a recompute asked for "missing" info fills only empty ones."""
    video = info.video
    assert video is not None and process.video_id is not None  # the caller checked both
    probed = {
        "source_info": info.to_json(),
        "length": whole_seconds(info.duration),
        "width": video.display_width,
        "height": video.display_height,
        "framerate": round(video.frame_rate or 0, 3),
        "rotation": video.rotation or None,
    }
    if (process.recipe or {}).get("video_info") == "missing":
        current = Video.objects.filter(pk=process.video_id).values(*VIDEO_INFO_FIELDS).first() or {}
        probed = video_info_updates(current, probed, recompute_all=False)
    if probed:
        Video.objects.filter(pk=process.video_id).update(**probed)


def whole_seconds(duration: float) -> int:
    """bunny's `length`: whole seconds, and never 0 for a video that has any (a one-frame clip is 1)."""
    return max(1, round(duration)) if duration > 0 else 0


def _jobs(process: EncodingProcess, info: SourceInfo) -> list[tuple[int, Job]]:
    if process.recipe:
        encoding_jobs_save(process=process, jobs=recipes.expand(process, info))
    rows = EncodingJob.objects.filter(process=process).order_by("index")
    rows.update(status=ProcessStatus.PROCESSING, started_at=timezone.now())
    return [(row.index, job_of(row)) for row in rows]


def _run(process: EncodingProcess, work: Path, recorder: ProgressRecorder) -> None:
    outdir = work / "out"
    outdir.mkdir()
    with materialize(process, work) as source:
        info = _probe(process, source)
        jobs = resolve_assets(process, _jobs(process, info), work)
        process_event(process, Event.ENCODING)
        if wants_first_rung(process, jobs, info):
            jobs, recorder = first_rung(process, jobs, info, source, work, recorder)
        jobs = quality_prepare(
            process=process, jobs=jobs, info=info, source=source, work=work, should_stop=recorder.should_stop
        )
        if wants_chunks(jobs, info):
            chunked_start(process=process, info=info, jobs=jobs, source=source)
            return  # the pieces go to any worker; the last one to finish hands over to the stitch
        execution = execute(jobs, info, source, outdir, recorder)
        transcoding_messages_add(process=process, issues=execution.issues)
        info = execution.info or info
        achieved = quality_measure(
            process=process, jobs=jobs, info=info, source=source, outdir=outdir, execution=execution
        )
    EncodingProcess.objects.filter(pk=process.pk).update(command="\n".join(execution.commands)[:20000])
    inspected = _verify(process, info, execution, outdir)
    ensure_lease(process)
    EncodingJob.objects.filter(process=process, status=ProcessStatus.PROCESSING).update(
        started_upload_at=timezone.now()
    )
    prefix = upload(process, outdir)
    complete(process, prefix, inspected, execution.failed, execution.transcripts)
    quality_record(process=process, achieved=achieved)


def _verify(process: EncodingProcess, info: SourceInfo, execution: Execution, outdir: Path) -> list[Inspected]:
    planned = [f for inv in execution.invocations for f in inv.files if f.job_index not in execution.failed]
    inspected, missing = inspect_outputs(outdir, planned)
    for item in missing:
        execution.failed.setdefault(item.job_index, missing_output(item.path))
    main = execution.invocations[0] if execution.invocations else None
    issues: list[Issue] = []
    if main is not None and main.frames is not None and execution.main is not None:
        media = [i for i in inspected if i.file.role in ("variant", "mp4") and i.file.job_index in main.job_indexes]
        # The picture's length, not the file's: an MP4 lasts as long as its sound even when
        # the picture stopped decoding after its first frame.
        decoded = max((i.video_duration or i.duration or 0 for i in media), default=None)
        expected = min(main.duration, info.video.duration) if info.video and info.video.duration else main.duration
        issues += check_encode(info, execution.main, decoded, expected)
        for output in media:
            issues += check_output_streams(output.video_duration, output.audio_duration)
    transcoding_messages_add(process=process, issues=issues)
    fatal = next((issue for issue in issues if issue.is_fatal), None)
    if fatal is not None:
        raise InputError(fatal)
    hard = [issue for index, issue in execution.failed.items() if not _soft(process, index)]
    if hard:
        raise InputError(hard[0])
    return [i for i in inspected if i.file.job_index not in execution.failed]


def _soft(process: EncodingProcess, index: int) -> bool:
    return EncodingJob.objects.filter(process=process, index=index, allow_soft_fail=True).exists()

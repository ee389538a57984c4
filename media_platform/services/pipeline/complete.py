"""The end of a successful run, whoever ran it (one worker, or the stitch of many pieces)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from media_platform.engine.issues import Issue, IssueCode, Severity
from media_platform.engine.speech import Transcript
from media_platform.models import EncodingJob, EncodingProcess
from media_platform.observability.metrics import record_encode
from media_platform.services.messages import transcoding_messages_add
from media_platform.status import Event, ProcessStatus

from .events import process_event
from .inspect import Inspected
from .lease import ensure_lease
from .publish import publish_video, record_outputs
from .speech import generated_captions_attach


def missing_output(path: str) -> Issue:
    return Issue(Severity.ERROR, IssueCode.UNDEFINED, f"The encode produced no {path}.")


def complete(
    process: EncodingProcess,
    prefix: str,
    inspected: list[Inspected],
    failed: dict[int, Issue],
    transcripts: dict[int, Transcript] | None = None,
) -> None:
    """Record the outputs, point a video at them, and end the process: FINISHED, or
    PARTIALLY_FAILED when soft-failing jobs failed. A video's speech jobs then become its captions."""
    now = timezone.now()
    with transaction.atomic():
        ensure_lease(process)
        record_outputs(process, inspected)
        for index, issue in failed.items():
            EncodingJob.objects.filter(process=process, index=index).update(
                status=ProcessStatus.FAILED, error_message=issue.message, finished_at=now
            )
        transcoding_messages_add(process=process, issues=list(failed.values()))
        EncodingJob.objects.filter(process=process, status=ProcessStatus.PROCESSING).update(
            status=ProcessStatus.FINISHED, progress=100, finished_at=now, finished_upload_at=now
        )
        seconds = sum(i.duration or 0 for i in inspected if i.file.role in ("variant", "mp4"))
        EncodingProcess.objects.filter(pk=process.pk).update(encoded_seconds=seconds)
        if process.destination.get("kind") == "video":
            publish_video(process, prefix, inspected)
        event = Event.PARTIALLY_FAILED if failed else Event.FINISHED
        message = "; ".join(issue.message for issue in failed.values())
        process_event(process, event, fail_message=message)
        generated_captions_attach(process=process, transcripts=transcripts or {}, failed=failed)
        transaction.on_commit(lambda: record_encodes(process, inspected, now), robust=True)


def record_encodes(process: EncodingProcess, inspected: list[Inspected], now) -> None:
    """Each rendition's encode for /metrics: its job's wall time (start → upload) for its output's
    duration. A ladder's renditions share one encode, so each is charged the whole of it."""
    jobs = EncodingJob.objects.filter(process=process).only("index", "started_at", "started_upload_at")
    spans = {job.index: ((job.started_upload_at or now) - job.started_at).total_seconds()
             for job in jobs if job.started_at}  # fmt: skip
    seen = set()
    for item in inspected:
        key = (item.file.job_index, item.file.rendition)
        if item.file.role in ("variant", "mp4") and item.file.rendition and item.duration and key not in seen:
            seen.add(key)
            if item.file.job_index in spans:
                record_encode(rendition=item.file.rendition, seconds=spans[item.file.job_index],
                              media_seconds=item.duration)  # fmt: skip

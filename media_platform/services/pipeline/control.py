"""Operator and client control over processes: cancel, retry."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from media_platform.models import EncodingJob, EncodingProcess
from media_platform.status import Event, ProcessStatus

from .create import encoding_process_enqueue
from .events import process_event


@transaction.atomic
def encoding_process_cancel(*, process: EncodingProcess) -> None:
    """A queued process is cancelled at once; a running one when its worker next looks (≤ 1 s),
    which stops ffmpeg and publishes nothing."""
    if process.is_done:
        return
    EncodingProcess.objects.filter(pk=process.pk).update(cancel_requested=True)
    if process.status != ProcessStatus.PROCESSING:
        process_event(process, Event.CANCELLED, fail_message="Cancelled")


RETRYABLE = (ProcessStatus.FAILED, ProcessStatus.PARTIALLY_FAILED, ProcessStatus.CANCELLED)


class NotRetryable(Exception):
    """Only a failed, partially failed or cancelled process can run again."""


@transaction.atomic
def encoding_process_retry(*, process: EncodingProcess) -> int:
    """Run a failed process again from the start; returns the attempt number. The new
    generation owes its webhooks afresh."""
    reopened = EncodingProcess.objects.filter(pk=process.pk, status__in=RETRYABLE).update(
        generation=F("generation") + 1, cancel_requested=False, claim_token="", started_at=None, finished_at=None
    )
    if not reopened:
        raise NotRetryable(f"process {process.public_id} is {process.status}")
    process.refresh_from_db()
    EncodingJob.objects.filter(process=process).update(status=ProcessStatus.ENQUEUED, error_message="", progress=0)
    encoding_process_enqueue(process=process)
    return process.generation

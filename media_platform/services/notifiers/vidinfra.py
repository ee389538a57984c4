"""vidinfra's `webhook_config`: a POST of the job (the API's `result` shape) to its url, with its
custom headers, each time the job's vidinfra status changes: queued, processing, then completed,
partially_failed, failed or cancelled. Engine events that do not change that word (received
before queued, encoding after started) send nothing.

Delivery goes through the webhook outbox: signed, retried with backoff, in order per job, once
per event and process generation (a retry owes its webhooks afresh). The custom headers are
kept encrypted on the process and on each delivery.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from media_platform.crypto import SecretUnreadable, decrypt
from media_platform.models import EncodingJob, EncodingOutput, EncodingProcess
from media_platform.services.pipeline.notify import event_key
from media_platform.services.webhooks import webhook_enqueue
from media_platform.status import Event, ProcessStatus
from media_platform.webhooks.payloads.vidinfra import FileFacts, FormatFacts, JobFacts, job_payload

log = logging.getLogger(__name__)

NOTIFY_EVENTS = {
    Event.QUEUED,
    Event.STARTED,
    Event.FINISHED,
    Event.PARTIALLY_FAILED,
    Event.FAILED,
    Event.REJECTED,
    Event.CANCELLED,
}


def notify(process: EncodingProcess, event: Event) -> None:
    if event not in NOTIFY_EVENTS or not process.callback_url:
        return
    # Re-read: the event that brought us here was written with update(), not on this instance.
    fresh = EncodingProcess.objects.prefetch_related("jobs__outputs", "messages").get(pk=process.pk)
    webhook_enqueue(
        library=process.library,
        url=fresh.callback_url,
        payload=job_payload(job_facts(fresh), mask_headers=True),
        event_key=event_key(fresh, event, "vidinfra"),
        dialect="vidinfra",
        subject=f"process:{process.pk}",
        process=fresh,
        # Still sealed: opened only to send, where a value that cannot be read stops the delivery.
        headers_encrypted=fresh.callback_headers_encrypted,
    )


def webhook_headers(process: EncodingProcess) -> dict[str, str]:
    return json.loads(decrypt(process.callback_headers_encrypted, what="the job's webhook headers") or "{}")


def shown_headers(process: EncodingProcess) -> dict[str, str]:
    """The headers as responses show them; none when they cannot be read (the delivery that
    needs them records why it was not sent)."""
    try:
        return webhook_headers(process)
    except SecretUnreadable as exc:
        log.error("vidinfra job %s: %s", process.public_id, exc)
        return {}


def job_facts(process: EncodingProcess) -> JobFacts:
    """Reads process.jobs (with outputs) and process.messages: prefetch them for lists."""
    jobs = sorted(process.jobs.all(), key=lambda job: job.index)
    count = len((process.request or {}).get("format") or [])
    return JobFacts(
        id=process.public_id,
        status=process.status,
        progress=process.progress,
        request=process.request or {},
        headers=shown_headers(process),
        error=process.fail_message,
        created_at=process.created_at,
        updated_at=process.updated_at,
        started_at=process.started_at,
        finished_at=process.finished_at,
        formats=tuple(_format(process, index, _of_format(jobs, index)) for index in range(count)),
        messages=tuple((m.level, m.message) for m in sorted(process.messages.all(), key=lambda m: m.pk)),
    )


def format_prefix(index: int) -> str:
    """The folder a format's jobs write into on the worker: f0, f1, …"""
    return f"f{index}"


def _of_format(jobs: Iterable[EncodingJob], index: int) -> list[EncodingJob]:
    return [job for job in jobs if (job.spec or {}).get("prefix") == format_prefix(index)]


def _format(process: EncodingProcess, index: int, jobs: list[EncodingJob]) -> FormatFacts:
    errors = list(dict.fromkeys(job.error_message for job in jobs if job.error_message))
    files = tuple(_file(process, job, output) for job in jobs for output in job.outputs.all())
    return FormatFacts(index, combined_status(process.status, [job.status for job in jobs]), "; ".join(errors), files)


def combined_status(process_status: str, statuses: list[str]) -> str:
    """One status for a format made of several engine jobs (advanced_mp4: one per stream)."""
    if not statuses:
        return process_status
    if all(s == ProcessStatus.FINISHED for s in statuses):
        return ProcessStatus.FINISHED
    if all(s == ProcessStatus.FAILED for s in statuses):
        return ProcessStatus.FAILED
    if process_status == ProcessStatus.CANCELLED:
        return ProcessStatus.CANCELLED
    if any(s == ProcessStatus.PROCESSING for s in statuses):
        return ProcessStatus.PROCESSING
    if all(s in (ProcessStatus.FINISHED, ProcessStatus.FAILED) for s in statuses):
        return ProcessStatus.PARTIALLY_FAILED
    return process_status if process_status in (ProcessStatus.FAILED, ProcessStatus.REJECTED) else statuses[0]


def _file(process: EncodingProcess, job: EncodingJob, output: EncodingOutput) -> FileFacts:
    destination = job.destination or {}
    prefix = ((job.spec or {}).get("prefix") or "").strip("/")
    if destination.get("kind") == "s3":
        relative = output.path[len(prefix) + 1 :] if prefix and output.path.startswith(f"{prefix}/") else output.path
        path = "/".join(p for p in (destination.get("key", "").strip("/"), relative) if p)
        bucket = destination.get("bucket")
    else:
        root = f"libraries/{process.library_id}/"
        base = (process.destination or {}).get("prefix", "")
        path = "/".join(p for p in (base[len(root) :] if base.startswith(root) else base, output.path) if p)
        bucket = None
    return FileFacts(
        path=path,
        bucket=bucket,
        role=output.role,
        size=output.size,
        duration=output.duration,
        width=output.width,
        height=output.height,
        video_codec=output.video_codec,
        audio_codec=output.audio_codec,
        bit_rate=output.bit_rate,
    )

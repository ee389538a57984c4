"""Process → vidinfra bodies: the job as the API's `result` and the webhook show it (the facts read
from the rows, then payloads.job_payload), and the envelope around it.

GET /jobs is paginated with `page` (from 1) and `limit` (1-100, default 20), and may filter by
`status` (a vidinfra status word); its result is
{"items": [job, …], "total": N, "page": p, "limit": l, "total_pages": ceil(N / l)}.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable

from media_platform.api.common.pagination import Page
from media_platform.crypto import SecretUnreadable, decrypt
from media_platform.models import EncodingJob, EncodingOutput, EncodingProcess
from media_platform.services.pipeline.publish import destination_key
from media_platform.status import ProcessStatus

from .errors import envelope
from .payloads import FileFacts, FormatFacts, JobFacts, job_payload
from .validate import Valid

log = logging.getLogger(__name__)

CREATED = "Transcoding job created successfully"
FOUND = "Transcoding job retrieved successfully"
LISTED = "Transcoding jobs retrieved successfully"
UPDATED = "Transcoding job updated successfully"
CANCELLED = "Transcoding job cancelled successfully"
CANCELLING = "Transcoding job cancellation requested: it stops within seconds"


def stored_request(valid: Valid, previous: dict | None = None) -> dict:
    """The request as kept on the process and echoed back: the given parts replace `previous`'s."""
    request = dict(previous or {})
    if not previous or "video_id" in valid.given:
        request["video_id"] = valid.video_id
    if not previous or "upscale" in valid.given:
        request["upscale"] = valid.upscale
    if not previous or "webhook_config" in valid.given:
        request["webhook_config"] = valid.webhook.echo(masked=True) if valid.webhook else None
    if valid.source is not None:
        request["source"] = valid.source.echo
    if valid.formats:
        request["format"] = [fmt.echo for fmt in valid.formats]
    return request


def job_result(process: EncodingProcess) -> dict:
    return job_payload(job_facts(process), mask_headers=False)


def job_body(process: EncodingProcess, message: str = FOUND) -> dict:
    return envelope(message, job_result(process))


def list_body(page: Page) -> dict:
    result = {
        "items": [job_result(process) for process in page.items],
        "total": page.total,
        "page": page.number,
        "limit": page.size,
        "total_pages": math.ceil(page.total / page.size) if page.size else 0,
    }
    return envelope(LISTED, result)


# --- The facts of a job, read from its rows -----------------------------------------------------
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
    if destination.get("kind") == "s3":
        path, bucket = destination_key(job, output.path), destination.get("bucket")
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

"""Process → vidinfra bodies: the envelope around the job, the same job shape webhooks carry.

GET /jobs is paginated with `page` (from 1) and `limit` (1-100, default 20), and may filter by
`status` (a vidinfra status word); its result is
{"items": [job, …], "total": N, "page": p, "limit": l, "total_pages": ceil(N / l)}.
"""

from __future__ import annotations

import math

from media_platform.api.common.pagination import Page
from media_platform.models import EncodingProcess
from media_platform.services.notifiers.vidinfra import job_facts
from media_platform.webhooks.payloads.vidinfra import job_payload

from .errors import envelope
from .validate import Valid

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

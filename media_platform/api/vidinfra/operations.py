"""The writes behind POST and PUT /jobs, composed from the encoding services.

Creating queues the job only after its notes are recorded, so the first webhook already carries
them. Updating rewrites a job that no worker has taken yet: the conditional update on the
process row (still queued, unclaimed, not cancelled) is the guard, and it holds the row until
the new jobs are saved, so a worker claims either the old job or the new one, never a mix.
(Update has no shared service yet; it lives with the one dialect that needs it.)
"""

from __future__ import annotations

import json

from django.db import transaction

from media_platform.crypto import encrypt
from media_platform.engine.issues import Issue, IssueCode, Severity
from media_platform.models import EncodingJob, EncodingProcess, Library
from media_platform.services.messages import transcoding_messages_add
from media_platform.services.pipeline import encoding_jobs_save, encoding_process_create, encoding_process_enqueue
from media_platform.status import ProcessStatus

from .errors import JobConflict, ValidationFailed
from .render import stored_request
from .translate import library_destination, translate_formats
from .validate import Valid

EDITABLE = (ProcessStatus.RECEIVED, ProcessStatus.VALIDATING, ProcessStatus.ENQUEUED)


def _notes(valid: Valid) -> list[Issue]:
    return [Issue(Severity.INFORMATION, IssueCode.UNDEFINED, note) for note in valid.notes]


def _callback(valid: Valid) -> dict:
    webhook = valid.webhook
    return {
        "callback_url": webhook.url if webhook else "",
        "callback_headers_encrypted": encrypt(json.dumps(webhook.headers)) if webhook and webhook.headers else "",
    }


@transaction.atomic
def job_create(*, library: Library, valid: Valid) -> EncodingProcess:
    assert valid.source is not None
    translation = translate_formats(valid.formats, valid.upscale)
    process = encoding_process_create(
        library=library,
        source=valid.source.location.to_json(),
        destination=library_destination(library),
        jobs=translation.jobs,
        job_destinations=translation.job_destinations,
        dialect=EncodingProcess.Dialect.VIDINFRA,
        request=stored_request(valid),
        enqueue_now=False,
        **_callback(valid),
    )
    transcoding_messages_add(process=process, issues=_notes(valid))
    encoding_process_enqueue(process=process)
    return process


@transaction.atomic
def job_update(*, process: EncodingProcess, valid: Valid) -> EncodingProcess:
    if "upscale" in valid.given and not valid.formats:
        details = [{"field": "upscale", "message": "upscale changes the outputs: send format with it"}]
        raise ValidationFailed(details)
    updates: dict = {"request": stored_request(valid, process.request)}
    if valid.source is not None:
        updates["source"] = valid.source.location.to_json()
    if "webhook_config" in valid.given:
        updates.update(_callback(valid))
    unclaimed = {"status__in": EDITABLE, "claim_token": "", "cancel_requested": False}
    if not EncodingProcess.objects.filter(pk=process.pk, **unclaimed).update(**updates):
        raise JobConflict("The job can be updated only while it is queued; it has already started or ended.")
    if valid.formats:
        upscale = valid.upscale if "upscale" in valid.given else bool((process.request or {}).get("upscale"))
        translation = translate_formats(valid.formats, upscale)
        EncodingJob.objects.filter(process=process).delete()
        encoding_jobs_save(process=process, jobs=translation.jobs, destinations=translation.job_destinations)
    transcoding_messages_add(process=process, issues=_notes(valid))
    process.refresh_from_db()
    return process

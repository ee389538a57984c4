"""Rewrite a process no worker has taken yet: its request, source, callback and jobs.

The conditional update of the process row (still queued, unclaimed, not cancelled) is the guard,
and it holds the row until the new jobs are saved, so a worker claims either the old process or
the new one, never a mix.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from media_platform.engine.issues import Issue
from media_platform.engine.spec import Job
from media_platform.models import EncodingJob, EncodingProcess
from media_platform.services.messages import transcoding_messages_add
from media_platform.status import ProcessStatus

from .create import encoding_jobs_save

EDITABLE = (ProcessStatus.RECEIVED, ProcessStatus.VALIDATING, ProcessStatus.ENQUEUED)


class ProcessNotEditable(Exception):
    """A worker has taken the process, or it ended or is being cancelled: it stays as it is."""


@transaction.atomic
def encoding_process_update(
    *,
    process: EncodingProcess,
    request: dict,
    source: dict | None = None,
    callback_url: str | None = None,
    callback_headers_encrypted: str | None = None,
    jobs: Sequence[Job] | None = None,
    job_destinations: Sequence[dict | None] | None = None,
    notes: Sequence[Issue] = (),
) -> EncodingProcess:
    """`request` replaces the stored one; the others only when given (None: as they are).
    `notes` become the process's transcoding messages."""
    given = {"source": source, "callback_url": callback_url, "callback_headers_encrypted": callback_headers_encrypted}
    updates = {"request": request, **{name: value for name, value in given.items() if value is not None}}
    unclaimed = {"status__in": EDITABLE, "claim_token": "", "cancel_requested": False}
    if not EncodingProcess.objects.filter(pk=process.pk, **unclaimed).update(**updates):
        raise ProcessNotEditable(f"process {process.public_id} has already started or ended")
    if jobs is not None:
        EncodingJob.objects.filter(process=process).delete()
        encoding_jobs_save(process=process, jobs=jobs, destinations=job_destinations)
    transcoding_messages_add(process=process, issues=list(notes))
    process.refresh_from_db()
    return process

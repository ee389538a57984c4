"""Create a process and put it on a queue: the one way work enters the engine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from media_platform.engine.issues import Issue
from media_platform.engine.spec import Job
from media_platform.models import EncodingJob, EncodingProcess, Library, Video
from media_platform.services.messages import transcoding_messages_add
from media_platform.services.queueing import ENVIRONMENT_RETRY, enqueue
from media_platform.status import Event

from .events import process_event
from .keys import seal, with_platform_key_url

RUN = "media_platform.jobs.encoding.run_process"
# An RQ job may run this long; ffmpeg has its own, duration-scaled limit inside it.
JOB_TIMEOUT = 24 * 3600


@transaction.atomic
def encoding_process_create(
    *,
    library: Library,
    source: dict,
    destination: dict,
    jobs: Sequence[Job] = (),
    job_destinations: Sequence[dict | None] | None = None,
    recipe: dict | None = None,
    video: Video | None = None,
    dialect: str = EncodingProcess.Dialect.BUNNY,
    priority: str = EncodingProcess.Priority.DEFAULT,
    request: dict | None = None,
    callback_url: str = "",
    callback_headers_encrypted: str = "",
    client_metadata=None,
    notes: Sequence[Issue] = (),
    enqueue_now: bool = True,
) -> EncodingProcess:
    """`notes` (what the request asked that the engine will not do) are recorded before the
    process is queued, so its first webhook already carries them."""
    if not jobs and not recipe:
        raise ValueError("a process needs jobs or a recipe")
    process = EncodingProcess.objects.create(
        library=library,
        video=video,
        dialect=dialect,
        priority=priority,
        source=source,
        destination=destination,
        recipe=recipe,
        request=request or {},
        callback_url=callback_url,
        callback_headers_encrypted=callback_headers_encrypted,
        client_metadata=client_metadata,
    )
    encoding_jobs_save(process=process, jobs=jobs, destinations=job_destinations)
    process_event(process, Event.RECEIVED)
    if notes:
        transcoding_messages_add(process=process, issues=notes)
    if enqueue_now:
        encoding_process_enqueue(process=process)
    return process


def encoding_jobs_save(
    *, process: EncodingProcess, jobs: Sequence[Job], destinations: Sequence[dict | None] | None = None
) -> list[EncodingJob]:
    """Job rows for a process; idempotent, so a re-run after a lost worker reuses them."""
    rows = []
    for index, job in enumerate(jobs):
        defaults: dict[str, Any] = {"kind": job.kind, "spec": seal(job), "allow_soft_fail": job.allow_soft_fail}
        if destinations is not None:
            defaults["destination"] = destinations[index]
        row, _ = EncodingJob.objects.update_or_create(process=process, index=index, defaults=defaults)
        if keyed := with_platform_key_url(job, row):
            row.spec = seal(keyed)
            row.save(update_fields=["spec"])
        rows.append(row)
    return rows


@transaction.atomic
def encoding_process_enqueue(*, process: EncodingProcess) -> None:
    """ENQUEUED, and a job on the process's queue once the rows are committed."""
    process_event(process, Event.QUEUED)
    # robust: with Redis down the process stays ENQUEUED and `reconcile` enqueues it later.
    transaction.on_commit(lambda: _enqueue(process.pk, process.queue_name), robust=True)


def _enqueue(process_id: int, queue: str) -> None:
    job = enqueue(queue, RUN, process_id, retry=ENVIRONMENT_RETRY, job_timeout=JOB_TIMEOUT, result_ttl=3600)
    EncodingProcess.objects.filter(pk=process_id).update(rq_job_id=job.id)

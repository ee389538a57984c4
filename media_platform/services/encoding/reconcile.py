"""Find processes that lost their worker or their queue entry and put them back to work."""

from __future__ import annotations

import logging

import django_rq
from django.db.models import Q
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from media_platform.models import EncodingProcess
from media_platform.status import ProcessStatus

from .create import _enqueue
from .lease import stale_before

log = logging.getLogger(__name__)
LIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def _job_is_live(job_id: str) -> bool:
    if not job_id:
        return False
    try:
        job = Job.fetch(job_id, connection=django_rq.get_connection("default"))
    except NoSuchJobError:
        return False
    return job.get_status() in LIVE


def encoding_reconcile() -> list[str]:
    """Requeue (a) processes running on a worker that stopped beating, (b) queued processes
    whose RQ job is gone (Redis lost it). Safe to run any time, from anywhere: a process that
    is merely slow keeps its lease and is left alone."""
    requeued = []
    orphaned = Q(status=ProcessStatus.PROCESSING) & (Q(heartbeat_at__lt=stale_before()) | Q(heartbeat_at=None))
    for process in EncodingProcess.objects.filter(orphaned | Q(status=ProcessStatus.ENQUEUED)).only(
        "pk", "public_id", "status", "rq_job_id", "priority"
    ):
        # A stale heartbeat means the worker is gone, whatever RQ still believes; if it is
        # somehow alive, the lease stops it from publishing over the re-run.
        if process.status == ProcessStatus.ENQUEUED and _job_is_live(process.rq_job_id):
            continue
        EncodingProcess.objects.filter(pk=process.pk, status=process.status).update(status=ProcessStatus.ENQUEUED)
        _enqueue(process.pk, process.priority)
        requeued.append(process.public_id)
        log.warning("reconcile: requeued process %s (was %s)", process.public_id, process.status)
    return requeued

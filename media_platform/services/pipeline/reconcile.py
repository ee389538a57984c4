"""Find processes that lost their worker or their queue entry and put them back to work."""

from __future__ import annotations

import logging

import django_rq
from django.db.models import Q
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from media_platform.models import EncodingChunk, EncodingProcess
from media_platform.services.queueing import enqueue
from media_platform.status import ProcessStatus

from .chunked.pieces import STITCH, STITCH_PENDING
from .chunked.start import enqueue_chunks
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
    requeued = _reconcile_chunked()
    orphaned = Q(status=ProcessStatus.PROCESSING) & (Q(heartbeat_at__lt=stale_before()) | Q(heartbeat_at=None))
    chunked = Q(chunks__isnull=False)  # their pieces and stitch are looked after below, not the whole
    candidates = EncodingProcess.objects.filter(orphaned | Q(status=ProcessStatus.ENQUEUED)).exclude(chunked)
    for process in candidates.distinct().only("pk", "public_id", "status", "rq_job_id", "priority"):
        # A stale heartbeat means the worker is gone, whatever RQ still believes; if it is
        # somehow alive, the lease stops it from publishing over the re-run.
        if process.status == ProcessStatus.ENQUEUED and _job_is_live(process.rq_job_id):
            continue
        EncodingProcess.objects.filter(pk=process.pk, status=process.status).update(status=ProcessStatus.ENQUEUED)
        _enqueue(process.pk, process.priority)
        requeued.append(process.public_id)
        log.warning("reconcile: requeued process %s (was %s)", process.public_id, process.status)
    return requeued


def _reconcile_chunked() -> list[str]:
    """Pieces whose worker died or whose queue entry was lost go back on the queue; a process
    whose pieces are all done but whose stitch never ran (or died) gets its stitch again."""
    requeued = []
    lost = Q(status=ProcessStatus.PROCESSING) & (Q(heartbeat_at__lt=stale_before()) | Q(heartbeat_at=None))
    waiting = Q(status=ProcessStatus.ENQUEUED)
    pieces = EncodingChunk.objects.filter(lost | waiting, process__status=ProcessStatus.PROCESSING)
    for chunk in pieces.select_related("process"):
        if chunk.status == ProcessStatus.ENQUEUED and _job_is_live(chunk.rq_job_id):
            continue
        EncodingChunk.objects.filter(pk=chunk.pk, status=chunk.status).update(status=ProcessStatus.ENQUEUED)
        enqueue_chunks([chunk.pk], chunk.process.queue_name)
        requeued.append(f"{chunk.process.public_id}#{chunk.index}")
    stitchable = (
        EncodingProcess.objects.filter(status=ProcessStatus.PROCESSING, chunks__isnull=False)
        .exclude(chunks__status__in=[s for s in ProcessStatus if s != ProcessStatus.FINISHED])
        .filter(Q(heartbeat_at__lt=stale_before()) | Q(heartbeat_at=None))
        .distinct()
    )
    for process in stitchable:
        EncodingProcess.objects.filter(pk=process.pk).update(claim_token=STITCH_PENDING)
        enqueue(process.queue_name, STITCH, process.pk, job_timeout=6 * 3600)
        requeued.append(f"{process.public_id}#stitch")
    return requeued

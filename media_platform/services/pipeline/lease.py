"""A worker's lease on a process: claimed atomically, kept alive by a heartbeat, checked
before anything is published. A worker presumed dead loses it to the one that re-runs it."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import F, Q
from django.utils import timezone

from media_platform.models import EncodingProcess
from media_platform.status import ProcessStatus

from .faults import LeaseLost

HEARTBEAT_SECONDS = 10


def stale_before() -> datetime:
    return timezone.now() - timedelta(seconds=settings.PROCESS_HEARTBEAT_TIMEOUT)


def claim(process_id: int, worker_name: str) -> EncodingProcess | None:
    """Take the process if it is waiting, or running with a worker that stopped beating, or held
    by an earlier run of this same RQ job (`worker_name` ends in ":<job id>"). RQ runs a job again
    only once that run failed or was found abandoned, so its lease is dead however recent its last
    beat; without this the retry would find the lease fresh, do nothing, and leave the process to
    `reconcile` (a run that could not release it with the database down, a SIGKILLed worker)."""
    token = uuid.uuid4().hex
    waiting = Q(status=ProcessStatus.ENQUEUED)
    orphaned = Q(status=ProcessStatus.PROCESSING) & (Q(heartbeat_at__lt=stale_before()) | Q(heartbeat_at=None))
    _, colon, job_id = worker_name[:200].rpartition(":")
    if colon and job_id:
        orphaned |= Q(status=ProcessStatus.PROCESSING, worker_name__endswith=f":{job_id}")
    taken = EncodingProcess.objects.filter(waiting | orphaned, pk=process_id, cancel_requested=False).update(
        claim_token=token,
        worker_name=worker_name[:200],
        heartbeat_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    if not taken:
        return None
    return EncodingProcess.objects.select_related("library", "video").get(pk=process_id)


def beat(process: EncodingProcess, **fields) -> bool:
    """Renew the lease (and write `fields`); False when another worker holds it now."""
    return bool(
        EncodingProcess.objects.filter(pk=process.pk, claim_token=process.claim_token).update(
            heartbeat_at=timezone.now(), **fields
        )
    )


def ensure_lease(process: EncodingProcess) -> None:
    if not beat(process):
        raise LeaseLost(process.public_id)


def heartbeat(process: EncodingProcess) -> AbstractContextManager[threading.Event]:
    return beating(lambda: beat(process), f"heartbeat-{process.pk}")


@contextmanager
def beating(renew: Callable[[], bool], name: str) -> Iterator[threading.Event]:
    """Call `renew` every few seconds from a thread while the body runs. The yielded event is
    set when it returns False (the lease is lost), so the body can stop early."""
    stop, lost = threading.Event(), threading.Event()

    def loop() -> None:
        try:
            while not stop.wait(HEARTBEAT_SECONDS):
                close_old_connections()
                if not renew():
                    lost.set()
                    return
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    try:
        yield lost
    finally:
        stop.set()
        thread.join(timeout=HEARTBEAT_SECONDS * 2)

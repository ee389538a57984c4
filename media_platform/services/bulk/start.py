"""Start the per-video work of one batch: a new encoding process for each video, in bulk.

`video_encode` does the same for one video with a handful of queries; a bulk command does it
for hundreds at a time, so here the rows are written with one INSERT (per database batch), the
videos' statuses with one UPDATE, and the RQ jobs in one Redis pipeline after commit. The
process ids of the RQ jobs are chosen up front, so no UPDATE per process records them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import django_rq
from django.db import transaction
from django.utils import timezone
from rq import Queue

from media_platform.models import EncodingProcess, Video
from media_platform.services.pipeline import encoding_process_cancel
from media_platform.services.pipeline.create import JOB_TIMEOUT, RUN
from media_platform.services.pipeline.notify import notify
from media_platform.services.queueing import ENVIRONMENT_RETRY
from media_platform.status import ACTIVE_STATUSES, Event, ProcessStatus, row

# Bulk work waits behind what clients upload one at a time.
PRIORITY = EncodingProcess.Priority.LOW


@dataclass
class BatchResult:
    started: list[EncodingProcess] = field(default_factory=list)
    skipped: list[Video] = field(default_factory=list)  # no original to encode

    @property
    def error_message(self) -> str:
        if not self.skipped:
            return ""
        guids = ", ".join(str(video.guid) for video in self.skipped[:5])
        more = f" and {len(self.skipped) - 5} more" if len(self.skipped) > 5 else ""
        return f"{len(self.skipped)} video(s) have no original to encode: {guids}{more}"


def _cancel_active(video_ids: Sequence[int]) -> None:
    """A newer process replaces a running one, as a reencode of one video does."""
    active = EncodingProcess.objects.filter(video_id__in=video_ids, status__in=ACTIVE_STATUSES).select_related(
        "library", "video"
    )
    for process in active:
        encoding_process_cancel(process=process)


def _process(video: Video, *, recipe: dict, dialect: str, request: dict) -> EncodingProcess:
    return EncodingProcess(
        library=video.library,
        video=video,
        dialect=dialect,
        priority=PRIORITY,
        status=ProcessStatus.ENQUEUED,
        source={"kind": "storage", "name": video.original_name},
        destination={"kind": "video"},
        recipe=recipe,
        request=request,
        rq_job_id=str(uuid.uuid4()),
    )


def _enqueue_all(processes: Sequence[EncodingProcess]) -> None:
    queue = django_rq.get_queue(PRIORITY)
    queue.enqueue_many(
        [
            Queue.prepare_data(
                RUN,
                args=(process.pk,),
                job_id=process.rq_job_id,
                retry=ENVIRONMENT_RETRY,
                timeout=JOB_TIMEOUT,
                result_ttl=3600,
            )
            for process in processes
        ]
    )


def bulk_processes_start(videos: Sequence[Video], *, recipe: dict, dialect: str, request: dict) -> BatchResult:
    """Inside the caller's transaction; the RQ jobs follow its commit. `videos` come with their library."""
    result = BatchResult()
    ready: list[Video] = []
    for video in videos:
        (ready if video.has_original and video.original_name else result.skipped).append(video)
    if not ready:
        return result
    _cancel_active([video.pk for video in ready])
    processes = [_process(video, recipe=recipe, dialect=dialect, request=request) for video in ready]
    result.started = EncodingProcess.objects.bulk_create(processes)
    # What Event.QUEUED does to a video whose newest process this is, for all of them at once.
    Video.objects.filter(pk__in=[video.pk for video in ready]).update(
        status=row(Event.QUEUED).video, encode_progress=0, updated_at=timezone.now()
    )
    for process in result.started:
        notify(process, Event.QUEUED)  # webhooks owed: none without a webhook URL, so no query then
    # robust: with Redis down the processes stay ENQUEUED and `reconcile` enqueues them later.
    transaction.on_commit(lambda: _enqueue_all(result.started), robust=True)
    return result

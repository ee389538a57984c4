"""Decide to cut a process into pieces, and hand them out."""

from __future__ import annotations

from math import lcm
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from media_platform.engine.chunking import chunk_bounds, chunkable
from media_platform.engine.probe import SourceInfo
from media_platform.engine.spec import HlsJob, Job, StoryboardJob
from media_platform.models import EncodingChunk, EncodingProcess
from media_platform.services.queueing import ENVIRONMENT_RETRY, enqueue
from media_platform.storage import save_file

RUN_CHUNK = "media_platform.jobs.encoding.run_chunk"
CHUNK_TIMEOUT = 6 * 3600


def wants_chunks(jobs: list[tuple[int, Job]], info: SourceInfo) -> bool:
    return settings.CHUNKED_ENCODING and chunkable(jobs, info.duration, settings.CHUNK_MIN_DURATION)


def alignment(jobs: list[tuple[int, Job]]) -> float:
    """Pieces start on segment boundaries, and on storyboard frames when the interval is whole."""
    segment = next(job.segment_duration for _, job in jobs if isinstance(job, HlsJob))
    interval = next((job.interval for _, job in jobs if isinstance(job, StoryboardJob)), None)
    if interval and float(interval).is_integer() and float(segment).is_integer():
        return float(lcm(int(segment), int(interval)))
    return float(segment)


def shared_source(process: EncodingProcess, path: Path) -> str:
    """A storage name every worker can read the source from."""
    if process.source.get("kind") == "storage":
        return process.source["name"]
    name = f"work/{process.public_id}/source"
    save_file(name, path)
    return name


def chunked_start(*, process: EncodingProcess, info: SourceInfo, jobs: list[tuple[int, Job]], source: Path) -> int:
    """Rows for the pieces and the sound, each on the queue; the caller's lease is given up so
    the stitch can take the process later. Returns how many pieces there are."""
    name = shared_source(process, source)
    bounds = chunk_bounds(info.duration, settings.CHUNK_SECONDS, alignment(jobs))
    with transaction.atomic():
        EncodingChunk.objects.filter(process=process).delete()  # a re-run after a lost coordinator
        rows = [EncodingChunk(process=process, index=i, start=a, end=b) for i, (a, b) in enumerate(bounds)]
        rows.append(EncodingChunk(process=process, index=len(bounds), kind="audio", start=0, end=info.duration))
        EncodingChunk.objects.bulk_create(rows)
        probed = EncodingProcess.objects.values_list("source_info", flat=True).get(pk=process.pk) or info.to_json()
        stored = {**probed, "shared_source": name}
        EncodingProcess.objects.filter(pk=process.pk, claim_token=process.claim_token).update(
            source_info=stored, claim_token="", heartbeat_at=timezone.now()
        )
        chunk_ids = list(EncodingChunk.objects.filter(process=process).values_list("pk", flat=True))
        transaction.on_commit(lambda: enqueue_chunks(chunk_ids, process.queue_name), robust=True)
    return len(bounds)


def enqueue_chunks(chunk_ids: list[int], queue: str) -> None:
    for chunk_id in chunk_ids:
        job = enqueue(queue, RUN_CHUNK, chunk_id, retry=ENVIRONMENT_RETRY, job_timeout=CHUNK_TIMEOUT)
        EncodingChunk.objects.filter(pk=chunk_id).update(rq_job_id=job.id)

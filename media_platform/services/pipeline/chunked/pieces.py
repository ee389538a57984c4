"""Run one piece of a chunked process on this worker: its own lease, its own progress, its
files left in shared storage for the stitch."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from media_platform.engine.chunking import piece_jobs, sound_jobs
from media_platform.engine.diagnostics import classify_failure
from media_platform.engine.issues import Issue, IssueCode, Severity
from media_platform.engine.plan import EncodeContext, Invocation, plan_process
from media_platform.engine.probe import SourceInfo
from media_platform.engine.progress import MonotonicThrottle
from media_platform.engine.spec import HlsJob
from media_platform.models import EncodingChunk, EncodingJob, EncodingProcess, Video
from media_platform.services.messages import transcoding_messages_add
from media_platform.services.queueing import enqueue
from media_platform.status import ProcessStatus
from media_platform.storage import local_copy, upload_tree, workspace

from ..execute import Cancelled, _run
from ..faults import EnvironmentFault, InputError, LeaseLost
from ..guard import RETRYABLE, encoding_process_fail
from ..keys import job_of
from ..lease import beating, stale_before
from ..sound import check_sound, silent_if_needed

log = logging.getLogger(__name__)
STITCH = "media_platform.jobs.encoding.stitch_process"
STITCH_PENDING = "stitch-pending"
PIECES_SHARE = 95.0  # the stitch takes the process from here to 99


def chunk_prefix(process: EncodingProcess, index: int | str) -> str:
    return f"chunks/{process.public_id}/{index}"


def claim_chunk(chunk_id: int, worker_name: str) -> EncodingChunk | None:
    waiting = Q(status=ProcessStatus.ENQUEUED)
    orphaned = Q(status=ProcessStatus.PROCESSING) & (Q(heartbeat_at__lt=stale_before()) | Q(heartbeat_at=None))
    token, now = uuid.uuid4().hex, timezone.now()
    taken = EncodingChunk.objects.filter(
        waiting | orphaned, pk=chunk_id, process__status=ProcessStatus.PROCESSING, process__cancel_requested=False
    ).update(
        status=ProcessStatus.PROCESSING,
        claim_token=token,
        worker_name=worker_name[:200],
        heartbeat_at=now,
        started_at=now,
        attempts=F("attempts") + 1,
    )
    return EncodingChunk.objects.select_related("process", "process__library").get(pk=chunk_id) if taken else None


def beat(chunk: EncodingChunk, **fields) -> bool:
    """Renew the chunk's lease (and its process's heartbeat, so no sweep takes the process back)."""
    now = timezone.now()
    alive = EncodingChunk.objects.filter(pk=chunk.pk, claim_token=chunk.claim_token).update(heartbeat_at=now, **fields)
    if alive:
        EncodingProcess.objects.filter(pk=chunk.process_id).update(heartbeat_at=now)
    return bool(alive)


def chunk_heartbeat(chunk: EncodingChunk) -> AbstractContextManager[threading.Event]:
    return beating(lambda: beat(chunk), f"chunk-heartbeat-{chunk.pk}")


class PieceProgress:
    """The chunk's own progress, and its process's: the pieces' weighted share of 0→95."""

    def __init__(self, chunk: EncodingChunk, lease_lost: threading.Event):
        self.chunk, self.lease_lost = chunk, lease_lost
        self.throttle = MonotonicThrottle(1.0)
        self.checked_at, self.cancelled = 0.0, False

    def __call__(self, fraction: float) -> None:
        if not self.throttle.offer(fraction, time.monotonic()):
            return
        if not beat(self.chunk, progress=Greatest("progress", Value(round(fraction * 100, 1)))):
            self.lease_lost.set()
            return
        aggregate_progress(self.chunk.process)

    def should_stop(self) -> bool:
        if self.lease_lost.is_set():
            return True
        now = time.monotonic()
        if now - self.checked_at >= 1.0:
            self.checked_at = now
            self.cancelled = EncodingProcess.objects.filter(
                Q(cancel_requested=True) | ~Q(status=ProcessStatus.PROCESSING), pk=self.chunk.process_id
            ).exists()
        return self.cancelled


def aggregate_progress(process: EncodingProcess) -> None:
    rows = list(EncodingChunk.objects.filter(process=process))
    total = sum(row.weight for row in rows) or 1.0
    percent = round(sum(row.weight * row.progress for row in rows) / total * PIECES_SHARE / 100, 1)
    EncodingProcess.objects.filter(pk=process.pk).update(progress=Greatest("progress", Value(percent)))
    if process.video_id:
        Video.objects.filter(pk=process.video_id, encode_progress__lt=int(percent)).update(encode_progress=int(percent))


def piece_context(chunk: EncodingChunk, jobs, info: SourceInfo, source: Path) -> EncodeContext:
    base = EncodeContext(
        input_path=str(source), ffmpeg=settings.FFMPEG_BINARY, threads=settings.FFMPEG_THREADS,
        max_pixels=settings.MAX_SOURCE_PIXELS,
    )  # fmt: skip
    if chunk.kind == EncodingChunk.Kind.AUDIO:
        return base
    segment = next(job.segment_duration for _, job in jobs if isinstance(job, HlsJob))
    return replace(
        base,
        seek=chunk.start,
        until=chunk.end,
        output_ts_offset=chunk.start,
        segment_start_number=round(chunk.start / segment),
        timeline=info.duration,
    )


def run_piece(chunk: EncodingChunk, work: Path, progress: PieceProgress) -> None:
    process = chunk.process
    info = SourceInfo.from_json(process.source_info)
    jobs = [(row.index, job_of(row)) for row in EncodingJob.objects.filter(process=process)]
    piece = sound_jobs(jobs) if chunk.kind == EncodingChunk.Kind.AUDIO else piece_jobs(jobs)
    outdir = work / "out"
    outdir.mkdir()
    with local_copy(process.source_info["shared_source"], work) as source:
        context = piece_context(chunk, jobs, info, source)
        # The sound piece is the one that decodes the sound: when it cannot, the pieces join silent.
        silent_if_needed(
            lambda probe: run_invocations(plan_process(piece, probe, context), outdir, probe, progress),
            info,
            outdir,
            lambda issue: transcoding_messages_add(process=process, issues=[issue]),
        )
    if not beat(chunk):
        raise LeaseLost(f"chunk {chunk.pk}")
    upload_tree(outdir, chunk_prefix(process, chunk.index))


def run_invocations(invocations: list[Invocation], outdir: Path, info: SourceInfo, progress: PieceProgress) -> None:
    total = sum(inv.weight for inv in invocations) or 1.0
    done = 0.0
    for invocation in invocations:
        start = done

        def on_progress(fraction: float, start=start, weight=invocation.weight) -> None:
            progress((start + fraction * weight) / total)

        result = _run(invocation, outdir, info, on_progress, progress)
        if not result.ok:
            check_sound(result, info)
            issue = classify_failure(result)
            if issue is None:
                raise EnvironmentFault("ffmpeg stopped: " + " | ".join(result.stderr_tail[-3:]))
            raise InputError(issue)
        done += invocation.weight


def finish_piece(chunk: EncodingChunk) -> None:
    """Mark the piece done; the last one hands the process over to the stitch, exactly once."""
    with transaction.atomic():
        done = EncodingChunk.objects.filter(pk=chunk.pk, claim_token=chunk.claim_token).update(
            status=ProcessStatus.FINISHED, progress=100, finished_at=timezone.now()
        )
        if not done:
            raise LeaseLost(f"chunk {chunk.pk}")
        aggregate_progress(chunk.process)
        if EncodingChunk.objects.filter(process_id=chunk.process_id).exclude(status=ProcessStatus.FINISHED).exists():
            return
        handed = EncodingProcess.objects.filter(
            pk=chunk.process_id, status=ProcessStatus.PROCESSING, claim_token=""
        ).update(claim_token=STITCH_PENDING)
        if handed:
            queue = chunk.process.queue_name
            transaction.on_commit(lambda: enqueue(queue, STITCH, chunk.process_id, job_timeout=6 * 3600), robust=True)


def release_piece(chunk: EncodingChunk, reason: str) -> None:
    EncodingChunk.objects.filter(pk=chunk.pk, claim_token=chunk.claim_token).update(
        status=ProcessStatus.ENQUEUED, claim_token="", error_message=reason[-2000:]
    )


def encoding_chunk_run(*, chunk_id: int, worker_name: str, retries_left: int = 0) -> None:
    chunk = claim_chunk(chunk_id, worker_name)
    if chunk is None:
        return  # done, cancelled, or alive on another worker
    process = chunk.process
    try:
        with chunk_heartbeat(chunk) as lost, workspace(f"{process.public_id}-c{chunk.index}") as work:
            run_piece(chunk, work, PieceProgress(chunk, lost))
        finish_piece(chunk)
    except InputError as exc:
        EncodingProcess.objects.filter(pk=process.pk).update(cancel_requested=True)  # the other pieces stop
        encoding_process_fail(process=process, issue=exc.issue)
    except LeaseLost:
        log.info("chunk %s of %s: lease lost", chunk.index, process.public_id)
    except Cancelled:
        EncodingChunk.objects.filter(pk=chunk.pk).update(status=ProcessStatus.CANCELLED)
    except RETRYABLE as exc:
        if retries_left > 0:
            release_piece(chunk, f"{type(exc).__name__}: {exc}")
        else:
            issue = Issue(Severity.ERROR, IssueCode.UNDEFINED, f"A piece failed after retries: {exc}")
            encoding_process_fail(process=process, issue=issue)
        raise
    except Exception as exc:
        # Our own bug: fail the process (and stop its other pieces) rather than leave it running
        # for reconcile to re-run the same failing piece for ever.
        log.exception("chunk %s of %s: unexpected error", chunk.index, process.public_id)
        EncodingProcess.objects.filter(pk=process.pk).update(cancel_requested=True)
        message = f"Internal error while encoding a piece: {type(exc).__name__}: {exc}"
        EncodingChunk.objects.filter(pk=chunk.pk).update(status=ProcessStatus.FAILED, error_message=message)
        encoding_process_fail(process=process, issue=Issue(Severity.ERROR, IssueCode.UNDEFINED, message))
        raise


def stale_chunks() -> list[EncodingChunk]:
    """Pieces whose worker stopped beating; for the reconcile sweep."""
    cutoff = timezone.now() - timedelta(seconds=settings.PROCESS_HEARTBEAT_TIMEOUT)
    return list(
        EncodingChunk.objects.filter(status=ProcessStatus.PROCESSING, process__status=ProcessStatus.PROCESSING)
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at=None))
        .select_related("process")
    )

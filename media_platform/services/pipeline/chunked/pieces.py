"""Run one piece of a chunked process on this worker: its own lease, its own progress, its
files left in shared storage for the stitch."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path

from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from media_platform.engine.chunking import piece_jobs, sound_jobs
from media_platform.engine.diagnostics import classify_failure
from media_platform.engine.issues import Issue
from media_platform.engine.jit import INDEXED_FORMATS, UNINDEXED_SEEK_MARGIN
from media_platform.engine.plan import EncodeContext, Invocation, plan_process
from media_platform.engine.probe import SourceInfo
from media_platform.engine.progress import MonotonicThrottle
from media_platform.engine.spec import HlsJob
from media_platform.models import EncodingChunk, EncodingJob, EncodingProcess, Video
from media_platform.services.messages import transcoding_messages_add
from media_platform.services.queueing import enqueue
from media_platform.status import ProcessStatus
from media_platform.storage import local_copy, upload_tree, workspace

from ..execute import _run, encode_context
from ..faults import EnvironmentFault, InputError, LeaseLost
from ..guard import Fate, guarded
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
    """A piece is an exact span of the timeline at its place in it, cut on the same grid: its
    segments are the ones a single run would make, timestamps included (plan/timeline.py)."""
    hls = next(job for _, job in jobs if isinstance(job, HlsJob))
    base = encode_context(source)
    if chunk.kind == EncodingChunk.Kind.AUDIO:
        return base
    margin = 0.0 if info.format_name in INDEXED_FORMATS else UNINDEXED_SEEK_MARGIN
    fps = (info.video.avg_fps or info.video.fps or 25.0) if info.video else 25.0
    return replace(
        base,
        seek=chunk.start,
        until=chunk.end if chunk.end < info.duration else None,
        decode_from=max(0.0, chunk.start - margin),
        output_ts_offset=chunk.start,
        segment_start_number=round(chunk.start / hls.segment_duration),
        segment_cut_slack=round(1 / fps, 6),
        timeline=info.duration,
    )


def run_piece(chunk: EncodingChunk, work: Path, progress: PieceProgress) -> None:
    process = chunk.process
    assert process.source_info is not None  # probed before it was cut into pieces
    info = SourceInfo.from_json(process.source_info)
    jobs = [(row.index, job_of(row)) for row in EncodingJob.objects.filter(process=process)]
    piece = sound_jobs(jobs) if chunk.kind == EncodingChunk.Kind.AUDIO else piece_jobs(jobs)
    outdir = work / "out"
    outdir.mkdir()
    with local_copy(process.source_info["shared_source"], work) as source:
        context = piece_context(chunk, jobs, info, source)

        def warn(issue: Issue) -> None:
            transcoding_messages_add(process=process, issues=[issue])

        # The sound piece is the one that decodes the sound: when it cannot, the pieces join silent.
        silent_if_needed(
            lambda probe: run_invocations(plan_process(piece, probe, context), outdir, probe, progress),
            info,
            outdir,
            warn,
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


class PieceFate(Fate):
    """A piece that fails fails its process and stops the other pieces (rather than leave them
    running, or reconcile re-running the same failing piece for ever)."""

    subject, doing = "A piece", "encoding a piece"

    def __init__(self, chunk: EncodingChunk):
        super().__init__(chunk.process)
        self.chunk = chunk

    @property
    def name(self) -> str:
        return f"chunk {self.chunk.index} of {self.process.public_id}"

    def fail(self, issue: Issue, *, internal: bool = False) -> None:
        EncodingProcess.objects.filter(pk=self.process.pk).update(cancel_requested=True)  # the other pieces stop
        if internal:
            EncodingChunk.objects.filter(pk=self.chunk.pk).update(
                status=ProcessStatus.FAILED, error_message=issue.message
            )
        super().fail(issue)

    def release(self, reason: str) -> None:
        release_piece(self.chunk, reason)

    def cancelled(self) -> None:
        EncodingChunk.objects.filter(pk=self.chunk.pk).update(status=ProcessStatus.CANCELLED)


def encoding_chunk_run(*, chunk_id: int, worker_name: str, retries_left: int = 0) -> None:
    chunk = claim_chunk(chunk_id, worker_name)
    if chunk is None:
        return  # done, cancelled, or alive on another worker
    process = chunk.process
    with guarded(process, retries_left=retries_left, fate=PieceFate(chunk)):
        with chunk_heartbeat(chunk) as lost, workspace(f"{process.public_id}-c{chunk.index}") as work:
            run_piece(chunk, work, PieceProgress(chunk, lost))
        finish_piece(chunk)

from __future__ import annotations

import socket

from rq import get_current_job

from media_platform.services.pipeline import encoding_process_run
from media_platform.services.pipeline.chunked import encoding_chunk_run, encoding_stitch_run


def _who() -> tuple[str, int]:
    """(worker name, retries left) of the RQ job running now."""
    job = get_current_job()
    if job is None:
        return socket.gethostname(), 0
    return f"{job.worker_name or socket.gethostname()}:{job.id}", job.retries_left or 0


def run_process(process_id: int) -> None:
    worker, retries = _who()
    encoding_process_run(process_id=process_id, worker_name=worker, retries_left=retries)


def run_chunk(chunk_id: int) -> None:
    worker, retries = _who()
    encoding_chunk_run(chunk_id=chunk_id, worker_name=worker, retries_left=retries)


def stitch_process(process_id: int) -> None:
    worker, retries = _who()
    encoding_stitch_run(process_id=process_id, worker_name=worker, retries_left=retries)

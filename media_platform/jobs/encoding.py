from __future__ import annotations

import socket

from rq import get_current_job

from media_platform.services.encoding import encoding_process_run


def run_process(process_id: int) -> None:
    job = get_current_job()
    retries_left = (job.retries_left or 0) if job is not None else 0
    worker = job.worker_name if job is not None and job.worker_name else socket.gethostname()
    encoding_process_run(
        process_id=process_id, worker_name=f"{worker}:{job.id if job else ''}", retries_left=retries_left
    )

"""The database unavailable to a worker for a few seconds (its write lock held elsewhere: SQLite's,
or every table's on PostgreSQL; the worker giving up after one second): the RQ job is retried,
never crashed or lost, and the process ends Finished, with no ffmpeg left running behind it."""

from __future__ import annotations

import time

import django_rq
import pytest
from rq.job import Job, JobStatus

from media_platform.models import EncodingProcess, Video
from tests.support.bunny import create_video, get_video, upload
from tests.support.chaos import database_locked, scheduled_job_ids, start_worker, wait_for
from tests.support.processes import descendants

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.workers]
LOCK_WAIT = {"DJANGO_SETTINGS_MODULE": "tests.support.lock_wait_settings"}


def rq_job(process: EncodingProcess) -> Job:
    return Job.fetch(process.rq_job_id, connection=django_rq.get_connection("default"))


def test_database_locked_when_the_job_starts_is_retried(bunny, library_keys, clip, fast_retries, scenario):
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("db-down.mp4", duration=2))
    process = EncodingProcess.objects.get(video__guid=guid)

    # when a worker takes the job while another holds the database's write lock
    with database_locked():
        worker = start_worker("default", **LOCK_WAIT)
        assert worker.wait(timeout=60) == 0  # the worker itself carries on

    # then the job waits for RQ's retry and the process for it, untouched
    process.refresh_from_db()
    assert rq_job(process).get_status() == JobStatus.SCHEDULED and process.rq_job_id in scheduled_job_ids()
    assert (process.status, process.attempts) == ("ENQUEUED", 0)

    # when the retry comes, with the database back
    time.sleep(1.5)
    assert start_worker("default", scheduler=True, **LOCK_WAIT).wait(timeout=120) == 0
    process.refresh_from_db()
    finished = process.status == "FINISHED"
    scenario.record(
        f"write lock held at claim: RQ retried, process {process.status} after {process.attempts} attempt(s)",
        lost=0 if finished else 1,
        duplicates=process.attempts - 1,
    )
    assert finished and process.attempts == 1
    assert get_video(bunny, library_keys.id, guid)["status"] == 4


def test_database_locked_mid_encode_is_retried(bunny, library_keys, clip, fast_retries, scenario):
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("db-down-long.mp4", size="960x540", duration=8))
    process = EncodingProcess.objects.get(video__guid=guid)
    worker = start_worker("default", **LOCK_WAIT)
    wait_for(lambda: Video.objects.get(guid=guid).encode_progress >= 5)
    horse, *ffmpeg = descendants(worker.pid)

    # when the database stays locked mid-encode until the run gives up (progress cannot be written,
    # nor the process handed back to the queue)
    with database_locked():
        wait_for(lambda: not _alive(horse), timeout=30)
    assert worker.wait(timeout=60) == 0
    wait_for(lambda: not any(_alive(pid) for pid in ffmpeg), timeout=5)  # no ffmpeg outlives its run
    process.refresh_from_db()
    assert (process.status, process.attempts) == ("PROCESSING", 1)  # its lease looks fresh
    assert rq_job(process).get_status() == JobStatus.SCHEDULED

    # then RQ's retry of that same job takes it over at once and finishes it
    time.sleep(1.5)
    assert start_worker("default", scheduler=True, **LOCK_WAIT).wait(timeout=120) == 0
    process.refresh_from_db()
    finished = process.status == "FINISHED"
    scenario.record(
        f"write lock held mid-encode: RQ retried, process {process.status} after {process.attempts} attempts",
        lost=0 if finished else 1,
        duplicates=0,
    )
    assert finished and process.attempts == 2
    assert get_video(bunny, library_keys.id, guid)["status"] == 4


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False

"""A worker killed with SIGKILL mid-encode costs time, never the video, and sends nothing twice."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import django_rq
import pytest
from django.conf import settings
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

from media_platform.models import EncodingProcess, Video, WebhookDelivery
from media_platform.services.pipeline import encoding_reconcile
from tests.support.bunny import create_video, get_video, output_path, served, upload
from tests.support.media import decodes
from tests.support.processes import kill_tree
from tests.support.workers import run_burst, subprocess_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.workers]


def start_worker() -> subprocess.Popen:
    command = [sys.executable, "manage.py", "rqworker", "default", "--burst"]
    return subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=subprocess_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, "timed out"
        time.sleep(0.1)


def test_killed_worker_is_detected_rerun_and_ends_finished(
    bunny, library_keys, clip, client, receiver, settings, scenario
):
    library_keys.library.webhook_url = f"{receiver.url}/hook"
    library_keys.library.save()
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("long.mp4", size="1280x720", duration=12, rate=30))

    worker = start_worker()
    wait_for(lambda: Video.objects.get(guid=guid).encode_progress >= 5)
    assert len(kill_tree(worker.pid)) >= 3  # the worker, its work horse and ffmpeg
    worker.wait()
    process = EncodingProcess.objects.get(video__guid=guid)
    assert process.status == "PROCESSING"  # as the dead worker left it
    assert client.get(f"/{guid}/playlist.m3u8").status_code == 404  # nothing half-written is visible

    # when the heartbeat has gone stale, the sweep requeues it and another worker runs it
    settings.PROCESS_HEARTBEAT_TIMEOUT = 1
    time.sleep(1.5)
    assert encoding_reconcile() == [process.public_id]
    run_burst()

    video = get_video(bunny, library_keys.id, guid)
    assert video["status"] == 4 and video["encodeProgress"] == 100
    assert video["availableResolutions"] == "240p,360p,480p,720p"
    assert decodes(output_path(guid, "720p/video.m3u8"))
    assert served(client, guid, "playlist.m3u8").startswith(b"#EXTM3U")
    process.refresh_from_db()
    assert process.attempts == 2
    statuses = [json.loads(r.body)["Status"] for r in receiver.wait_for(4)]
    scenario.record(
        f"SIGKILLed mid-encode, requeued by reconcile: {process.status} after {process.attempts} attempts",
        lost=0 if process.status == "FINISHED" else 1,
        duplicates=len(statuses) - len(set(statuses)),
    )
    assert statuses == [0, 1, 2, 3], "a status was sent twice or not at all"
    assert WebhookDelivery.objects.count() == 4


def test_rq_retries_an_abandoned_job_without_reconcile(
    bunny, library_keys, clip, client, settings, fast_retries, scenario
):
    """RQ's own path: a worker finds the dead one's job in StartedJobRegistry once its execution's
    TTL ran out, and retries it (it has retries left). That TTL is the job monitoring interval plus
    a fixed 60 s, so it cannot lapse within seconds: the test runs the same cleanup every worker runs
    at start-up and every 10 minutes, with its clock 91 s ahead (`cleanup(timestamp=…)`). The
    process's own lease is left fresh (its timeout is 90 s): the retry must take over from the dead
    run of its own job rather than wait for the lease to lapse and `reconcile` to requeue it."""
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("long.mp4", size="1280x720", duration=12, rate=30))
    process = EncodingProcess.objects.get(video__guid=guid)
    worker = start_worker()
    wait_for(lambda: Video.objects.get(guid=guid).encode_progress >= 5)
    kill_tree(worker.pid)
    worker.wait()
    assert client.get(f"/{guid}/playlist.m3u8").status_code == 404  # nothing half-written is visible

    connection = django_rq.get_connection("default")
    job = Job.fetch(process.rq_job_id, connection=connection)
    registry = StartedJobRegistry("default", connection=connection)
    assert job.get_status() == JobStatus.STARTED and registry.get_expired_job_ids() == []  # RQ still believes in it

    # when RQ's abandoned-job handling runs after the dead worker's execution expired
    assert settings.PROCESS_HEARTBEAT_TIMEOUT == 90
    registry.cleanup(timestamp=time.time() + 91)
    job = Job.fetch(process.rq_job_id, connection=connection)
    assert job.get_status() == JobStatus.SCHEDULED and job.retries_left == fast_retries.max - 1

    # then the retry (the same RQ job) runs it again, with no reconcile, and it ends Finished
    time.sleep(1.5)
    run_burst(with_scheduler=True)
    process.refresh_from_db()
    video = get_video(bunny, library_keys.id, guid)
    finished = process.status == "FINISHED" and video["status"] == 4
    scenario.record(
        f"RQ retried its abandoned job: process {process.status} after {process.attempts} attempts",
        lost=0 if finished else 1,
        duplicates=EncodingProcess.objects.filter(video__guid=guid).count() - 1,
    )
    assert finished and process.attempts == 2
    assert process.worker_name.endswith(f":{job.id}")  # run by the RQ job itself, not a requeue
    assert video["availableResolutions"] == "240p,360p,480p,720p"
    assert decodes(output_path(guid, "720p/video.m3u8"))
    assert served(client, guid, "playlist.m3u8").startswith(b"#EXTM3U")

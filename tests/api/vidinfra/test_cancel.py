"""DELETE /jobs/{id} on a running job: a real worker process stops ffmpeg within a second or two,
and nothing it had written is published."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from media_platform.models import EncodingProcess
from tests.support.workers import subprocess_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.workers]
CREDENTIALS = {"key": "access-key-1234", "secret": "secret-key-5678"}


def ffmpeg_running_for(public_id: str) -> bool:
    """Any ffmpeg whose command line reads from this job's workspace."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "ffmpeg" in text and f"/{public_id}-" in text:
            return True
    return False


def wait_for(predicate, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def test_delete_stops_a_running_job_and_publishes_nothing(vidinfra, s3, clip):
    source_bucket, bucket = s3.bucket(), s3.bucket()
    # Slow on purpose: 8 s upscaled to 1080p with x264's "slow" preset takes a while on any machine.
    s3.client().upload_file(
        str(clip("vidinfra-slow.mp4", size="640x360", duration=8, rate=30)), source_bucket, "in.mp4"
    )
    location = {"type": "s3", "endpoint": s3.endpoint, **CREDENTIALS}
    body = {
        "upscale": True,
        "source": {**location, "bucket": source_bucket, "path": "/in.mp4"},
        "format": [
            {"output": "thumbnail", "destination": {**location, "bucket": bucket, "path": "/out"}},
            {
                "output": "mp4",
                "height": 1440,
                "destination": {**location, "bucket": bucket, "path": "/out"},
            },
        ],
    }
    job_id = vidinfra.post("/jobs", body, format="json").json()["result"]["id"]
    command = [sys.executable, "manage.py", "rqworker", "default", "--burst"]
    env = {**subprocess_env(), "SSRF_ALLOWLIST": "127.0.0.1"}  # the worker too may reach the loopback S3 server
    worker = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: ffmpeg_running_for(job_id), timeout=60), "the encode never started"

        asked = time.monotonic()
        response = vidinfra.delete(f"/jobs/{job_id}")

        assert response.status_code == 200
        assert response.json()["message"].startswith("Transcoding job cancellation requested")
        assert wait_for(lambda: EncodingProcess.objects.get(public_id=job_id).status == "CANCELLED", timeout=5)
        stopped_after = time.monotonic() - asked
        assert stopped_after < 2.5, stopped_after
        assert wait_for(lambda: not ffmpeg_running_for(job_id), timeout=2)
        worker.wait(timeout=20)  # its burst is over: nothing else holds it
    finally:
        if worker.poll() is None:
            worker.kill()
    job = vidinfra.get(f"/jobs/{job_id}").json()["result"]
    assert job["status"] == "cancelled" and job["progress"] < 100
    assert all(output["files"] == [] for output in job["outputs"])
    assert s3.keys(bucket) == []  # the finished thumbnail is not published either

"""The S3 server outputs go to stops during the upload: the process goes back to its queue for
RQ's retry (with backoff), the retry finishes it once S3 is back; if S3 stays down past every
retry the process fails with a message naming the storage, and the original is untouched."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace

import django_rq
import pytest
from django.conf import settings
from rq.job import Job, JobStatus

from media_platform.models import EncodingProcess
from media_platform.services.pipeline.assets import library_key
from media_platform.storage import save_file
from media_platform.storage.s3 import S3Location
from tests.support.chaos import scheduled_job_ids
from tests.support.s3 import KEY, REGION, SECRET
from tests.support.workers import run_burst

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.workers]

EXPECTED_KEYS = ["out/shots/s_1.jpg", "out/shots/s_2.jpg", "out/shots/s_3.jpg", "out/small.mp4"]


@pytest.fixture
def slashed(api, library_keys):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {library_keys.api_key}")
    return api


@pytest.fixture
def original(library_keys, clip) -> Path:
    """A clip in the library's storage, where a slashed `source` path points; its local path."""
    key = library_key(SimpleNamespace(library_id=library_keys.id), "sources/original.mp4")
    save_file(key, clip("storage-down.mp4", size="640x360", duration=2))
    return Path(settings.MEDIA_ROOT) / key


@pytest.fixture
def s3_down_after(s3, monkeypatch, settings):
    """s3_down_after(n): the S3 server stops (once) when n files are stored, before any other goes
    up (uploads run in parallel: the (n+1)th waits for the first n, later ones for the stop)."""
    settings.S3_MAX_ATTEMPTS = 2  # the client's own retry, kept short: RQ's retry is watched here
    uploaded: list[str] = []
    started: list[str] = []
    lock, stopped = threading.Lock(), threading.Event()
    real_client = S3Location.client

    def arm(count: int) -> list[str]:
        def before_send(request, **_):
            with lock:
                number = len(started)
                started.append(request.url)
            if number == count and not stopped.is_set():
                deadline = time.time() + 30
                while len(uploaded) < count and time.time() < deadline:
                    time.sleep(0.01)
                s3.stop()
                stopped.set()
            elif number > count:
                stopped.wait(30)

        def after_call(http_response, **_):
            if http_response.status_code == 200:
                uploaded.append(http_response.url)

        def client(location):
            boto = real_client(location)
            boto.meta.events.register("before-send.s3.PutObject", before_send)
            boto.meta.events.register("after-call.s3.PutObject", after_call)
            return boto

        monkeypatch.setattr(S3Location, "client", client)
        return uploaded

    yield arm
    if s3.process is None:
        s3.start()


def s3_url(s3, bucket: str, key: str) -> str:
    return f"s3://{bucket}/{key}?access_key={KEY}&secret_key={SECRET}&region={REGION}&endpoint={s3.endpoint}"


def request_outputs_in(slashed, library_keys, s3, bucket: str) -> EncodingProcess:
    body = {
        "service_id": library_keys.id,
        "source": "sources/original.mp4",
        "jobs": [
            {"type": "encode", "video_codec": "h264", "audio_codec": "aac",
             "destination": s3_url(s3, bucket, "out/small.mp4"),
             "transformations": [{"type": "resize", "width": 320, "height": 180}]},
            {"type": "screenshots", "quantity": 3, "destination": s3_url(s3, bucket, "out/shots/s_%d.jpg")},
        ],
    }  # fmt: skip
    response = slashed.post("/request", body, format="json")
    assert response.status_code == 200, response.content
    return EncodingProcess.objects.get(public_id=response.json()["process_id"])


def rq_job(process: EncodingProcess) -> Job:
    return Job.fetch(process.rq_job_id, connection=django_rq.get_connection(process.queue_name))


def test_s3_down_during_upload_is_retried_and_finishes(
    slashed, library_keys, s3, original, s3_down_after, fast_retries, scenario
):
    # given a process whose outputs go to S3, and an S3 server that stops after two files
    bucket = s3.bucket()
    process = request_outputs_in(slashed, library_keys, s3, bucket)
    uploaded = s3_down_after(2)

    # when a worker runs it
    run_burst()

    # then it is back in its queue (not failed) with RQ's retry scheduled, the reason kept
    process.refresh_from_db()
    job = rq_job(process)
    assert process.status == "ENQUEUED" and not process.fail_message, process.fail_message
    assert job.get_status() == JobStatus.SCHEDULED and job.id in scheduled_job_ids(process.queue_name)
    assert job.retries_left == fast_retries.max - 1
    assert f"the S3 endpoint {s3.endpoint} is unreachable" in process.log_tail
    assert len(uploaded) == 2

    # when S3 is back (moto keeps its data in memory: the bucket is made again) and the retry runs
    s3.start()
    s3.client().create_bucket(Bucket=bucket)
    while rq_job(process).get_status() == JobStatus.SCHEDULED:
        time.sleep(0.2)
        run_burst(with_scheduler=True)
    process.refresh_from_db()
    keys = s3.keys(bucket)
    scenario.record(
        f"S3 stopped mid-upload: ENQUEUED for RQ's retry, then {process.status} after {process.attempts} attempts",
        lost=0 if process.status == "FINISHED" and keys == EXPECTED_KEYS else 1,
        duplicates=0,
    )
    assert process.status == "FINISHED" and process.attempts == 2
    assert keys == EXPECTED_KEYS
    assert original.exists()


def test_s3_down_past_every_retry_fails_naming_the_storage(
    slashed, library_keys, s3, original, s3_down_after, fast_retries, scenario
):
    # given a process whose outputs go to S3, and an S3 server that is down from the first upload on
    process = request_outputs_in(slashed, library_keys, s3, s3.bucket())
    s3_down_after(0)

    # when every retry finds it down as well
    after_attempt = {}  # attempt number → the status it left
    while True:
        run_burst(with_scheduler=True)
        process.refresh_from_db()
        after_attempt[process.attempts] = process.status
        if rq_job(process).get_status() != JobStatus.SCHEDULED:
            break
        time.sleep(0.2)

    # then the process fails with a message naming the storage, and the original is still there
    process.refresh_from_db()
    status = slashed.get(f"/status/{process.public_id}").json()
    scenario.record(
        f"S3 down for good: {process.attempts} attempts, then {process.status}: {process.fail_message[:60]}…",
        lost=0 if process.status == "FAILED" and original.exists() else 1,
        duplicates=0,
    )
    assert process.attempts == 1 + fast_retries.max
    assert list(after_attempt.values()) == ["ENQUEUED"] * fast_retries.max + ["FAILED"]
    assert status["status"] == "FAILED"
    assert f"the S3 endpoint {s3.endpoint} is unreachable" in status["fail_message"]
    assert rq_job(process).get_status() == JobStatus.FAILED and not scheduled_job_ids(process.queue_name)
    assert original.exists()

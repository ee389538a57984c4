"""The callback: one signed POST in the reference's shape when a process finishes or fails."""

from __future__ import annotations

import hashlib
import json
import time

import pytest

from media_platform.models import WebhookDelivery
from media_platform.webhooks.signing import body_signature, verify_timestamped
from tests.support.workers import run_burst

from . import seed
from .conftest import send, stored

pytestmark = pytest.mark.django_db(transaction=True)


def request_with_callback(slashed, library_keys, receiver, **fields) -> str:
    body = seed.request(library_keys.id, callback=f"{receiver.url}/webhook/03c58960", **fields)
    response = send(slashed, body)
    assert response.status_code == 200, response.json()
    return response.json()["process_id"]


def only_callback(receiver) -> tuple[bytes, dict, dict]:
    received = receiver.wait_for(1)
    time.sleep(0.3)  # anything sent twice would have arrived by now
    assert len(received) == 1, [r.body for r in received]
    return received[0].body, received[0].headers, json.loads(received[0].body)


@pytest.mark.workers
def test_a_finished_process_calls_back_once_signed_in_the_references_shape(
    slashed, library_keys, store, clip, receiver
):
    source = clip("slashed-360.mp4", size="640x360", duration=2)
    store("sources/my_4k_source.mp4", source)
    process_id = request_with_callback(slashed, library_keys, receiver)
    run_burst()
    run_burst()  # a second pass sends nothing again
    raw, headers, payload = only_callback(receiver)

    assert receiver.received[0].path == "/webhook/03c58960"
    assert headers["X-BunnyStream-Signature"] == body_signature(library_keys.read_only_key, raw)
    assert verify_timestamped(library_keys.read_only_key, raw, headers["X-Webhook-Signature"])
    # the reference lists finished_download_at among the fields though its example leaves it out
    assert seed.shape(payload) == {**seed.shape(seed.CALLBACK), "finished_download_at": None}
    assert list(payload) == ["process_id", "success", "status", "cost", "source", "finished_download_at", "jobs"]
    assert (payload["process_id"], payload["success"], payload["status"]) == (process_id, 1, "FINISHED")
    assert payload["finished_download_at"] and len(payload["finished_download_at"]) == 19

    src = payload["source"]
    assert (src["video_codec"], src["audio_codec"], src["width"], src["height"]) == ("H264", "AAC", 640, 360)
    assert (src["fps"], src["is_portrait"], src["extension"]) == (25, False, "mp4")
    assert src["file_name"] == "/sources/my_4k_source.mp4" and src["file_size"] == source.stat().st_size
    assert src["video_duration"] == pytest.approx(2.0, abs=0.05) and src["bit_rate"] > 0
    data = source.read_bytes()
    assert src["file_md5"] == hashlib.md5(data).hexdigest() and src["file_sha1"] == hashlib.sha1(data).hexdigest()

    job = payload["jobs"][0]
    output = stored(library_keys.id, "encoded_av1_1080p.mp4")
    assert (job["type"], job["status"], job["index"], job["video_codec"]) == ("ENCODE", "FINISHED", 0, "AV1")
    assert job["file_name"] == "/encoded_av1_1080p.mp4" and job["file_size"] == output.stat().st_size
    assert all(job[key] for key in ("created_at", "finished_at", "finished_upload_at", "file_md5", "file_sha1"))

    # av1 × premium: 2 × 1.5 credits multiplier on a base of 0.02 a second
    seconds = job["duration"]
    assert job["cost"]["multipliers"] == [2, 1.5] and job["cost"]["total_multiplier"] == 3
    assert job["cost"]["billed_credits_per_second"] == pytest.approx(0.06)
    assert job["cost"]["credits"] == pytest.approx(seconds * 0.06, abs=1e-7)
    assert payload["cost"]["encoded_seconds"] == pytest.approx(seconds)
    assert payload["cost"]["credits"] == job["cost"]["credits"] and payload["cost"]["total_multiplier"] == 3

    assert slashed.get(f"/status/detailed/{process_id}").json() == payload
    delivery = WebhookDelivery.objects.get()
    assert (delivery.dialect, delivery.state, delivery.attempts) == ("slashed", "delivered", 1)


@pytest.mark.ffmpeg
@pytest.mark.workers
def test_a_failed_process_calls_back_with_success_0(slashed, library_keys, store, receiver):
    store("sources/my_4k_source.mp4", b"this is not a video")
    process_id = request_with_callback(slashed, library_keys, receiver)
    run_burst()
    _, _, payload = only_callback(receiver)
    assert (payload["success"], payload["status"]) == (0, "FAILED")
    assert [(j["status"], j["file_name"], j["cost"]["credits"]) for j in payload["jobs"]] == [("FAILED", None, 0)]
    assert payload["cost"]["credits"] == 0 and payload["cost"]["total_multiplier"] == 1
    status = slashed.get(f"/status/{process_id}").json()
    assert status["status"] == "FAILED" and status["fail_message"]


@pytest.mark.workers
def test_no_callback_without_a_callback_url(slashed, library_keys, store, clip, receiver):
    store("sources/my_4k_source.mp4", clip("slashed-360.mp4", size="640x360", duration=2))
    send(slashed, seed.request(library_keys.id, seed.SCREENSHOT))
    run_burst()
    assert not WebhookDelivery.objects.exists() and receiver.received == []


@pytest.mark.workers
def test_a_receiver_that_fails_is_retried_until_it_takes_the_callback(
    slashed, library_keys, store, clip, receiver, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.statuses = [503]
    store("sources/my_4k_source.mp4", clip("slashed-360.mp4", size="640x360", duration=2))
    request_with_callback(slashed, library_keys, receiver, jobs=[seed.SCREENSHOT])
    run_burst()
    deadline = time.time() + 30
    while WebhookDelivery.objects.exclude(state="delivered").exists() and time.time() < deadline:
        run_burst(with_scheduler=True)
        time.sleep(0.3)
    assert len(receiver.received) == 2 and receiver.received[0].body == receiver.received[1].body
    assert [a.status_code for a in WebhookDelivery.objects.get().attempt_log.all()] == [503, 200]

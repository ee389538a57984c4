"""webhook_config: the job POSTed to its url on every status change, in order, once each, with the
client's custom headers (and our signature), never with a secret in the body."""

from __future__ import annotations

import json

import pytest

from media_platform.models import EncodingProcess, WebhookDelivery
from media_platform.webhooks.signing import body_signature
from tests.support.workers import run_burst

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers]
SOURCE_SECRET = "src-SECRET-9f8e7d6c5b4a"
DESTINATION_SECRET = "dst-SECRET-1a2b3c4d5e6f"
HEADERS = {"authorization": "Bearer token-7h8j9k", "x-api-key": "api_key"}
MASKED_HEADERS = {"authorization": "****8j9k", "x-api-key": "****"}


def job_body(buckets, receiver) -> dict:
    destination = {"type": "s3", "bucket": "x", "path": "/out", "key": "dst-key-0001", "secret": DESTINATION_SECRET}
    return buckets.point(
        {
            "video_id": "v-42",
            "webhook_config": {"url": f"{receiver.url}/notify", "headers": HEADERS},
            "source": {
                "type": "s3",
                "bucket": "x",
                "path": "/video.mp4",
                "key": "src-key-0001",
                "secret": SOURCE_SECRET,
            },
            "format": [
                {"output": "thumbnail", "width": 160, "destination": destination},
                {"output": "hls", "stream": [{"height": 90, "bitrate": 200}], "destination": destination},
            ],
        }
    )


def payloads(receiver, count: int) -> list[dict]:
    return [json.loads(r.body) for r in receiver.wait_for(count)]


def test_each_status_change_is_posted_once_in_order_with_the_custom_headers(vidinfra, buckets, receiver, library_keys):
    response = vidinfra.post("/jobs", job_body(buckets, receiver), format="json")
    job_id = response.json()["result"]["id"]

    run_burst()
    run_burst()  # a second pass sends nothing twice

    received = receiver.wait_for(3)
    assert len(received) == 3
    bodies = [json.loads(r.body) for r in received]
    assert [b["status"] for b in bodies] == ["queued", "processing", "completed"]
    assert all(r.path == "/notify" for r in received)
    for request in received:
        assert request.headers["authorization"] == HEADERS["authorization"]
        assert request.headers["x-api-key"] == HEADERS["x-api-key"]
        assert request.headers["X-BunnyStream-Signature"] == body_signature(library_keys.read_only_key, request.body)
    last = bodies[-1]
    assert (last["id"], last["video_id"], last["progress"]) == (job_id, "v-42", 100.0)
    assert [o["status"] for o in last["outputs"]] == ["completed", "completed"]
    assert {f["path"] for f in last["outputs"][1]["files"]} >= {"out/master.m3u8", "out/90p/video.m3u8"}
    assert list(last) == list(vidinfra.get(f"/jobs/{job_id}").json()["result"])  # the API's job shape
    # The headers travel on the request; the body (kept in the outbox) shows them masked.
    assert last["webhook_config"] == {"url": f"{receiver.url}/notify", "headers": MASKED_HEADERS}
    assert WebhookDelivery.objects.filter(dialect="vidinfra", state="delivered").count() == 3


def test_no_secret_reaches_a_body_or_the_stored_request(vidinfra, buckets, receiver):
    response = vidinfra.post("/jobs", job_body(buckets, receiver), format="json")
    run_burst()

    process = EncodingProcess.objects.get()
    deliveries = list(WebhookDelivery.objects.all())
    stored = [json.dumps(process.request), json.dumps(process.source), process.callback_headers_encrypted]
    stored += [json.dumps(d.payload) for d in deliveries] + [d.headers_encrypted for d in deliveries]
    stored += [json.dumps(job.destination) for job in process.jobs.all()]
    webhooks = [r.body.decode() for r in receiver.wait_for(3)]
    api = [response.content.decode(), vidinfra.get("/jobs").content.decode()]
    s3_secrets = (SOURCE_SECRET, DESTINATION_SECRET, "src-key-0001", "dst-key-0001")
    for text in stored + webhooks + api:
        assert not any(secret in text for secret in s3_secrets), text
    # Webhook header values: echoed by the API as vidinfra does, masked everywhere else.
    assert not any("token-7h8j9k" in text for text in stored + webhooks)
    assert json.loads(response.content)["result"]["webhook_config"]["headers"] == HEADERS
    assert json.loads(response.content)["result"]["source"]["secret"] == "****5b4a"


def test_a_failed_job_reports_failed_with_the_reason(vidinfra, buckets, receiver):
    vidinfra.post("/jobs", job_body(buckets, receiver), format="json")
    buckets.s3.client().delete_object(Bucket=buckets.source, Key="video.mp4")  # gone after it was checked

    run_burst()

    bodies = payloads(receiver, 3)
    assert [b["status"] for b in bodies] == ["queued", "processing", "failed"]
    assert "does not exist" in bodies[-1]["error"]
    assert [o["status"] for o in bodies[-1]["outputs"]] == ["failed", "failed"]


def test_a_cancelled_job_reports_cancelled(vidinfra, buckets, receiver):
    job_id = vidinfra.post("/jobs", job_body(buckets, receiver), format="json").json()["result"]["id"]
    vidinfra.delete(f"/jobs/{job_id}")

    run_burst()

    assert [b["status"] for b in payloads(receiver, 2)] == ["queued", "cancelled"]

"""/metrics as Prometheus reads it: off without a token, and what the workers recorded — each
rendition's encode time and realtime factor, webhook failures — next to django-rq's queues."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from media_platform.services.webhooks import webhook_enqueue
from tests.support.bunny import create_video, upload
from tests.support.prometheus import metric
from tests.support.workers import run_burst

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "scrape-token-0123456789"


def scrape(client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_metrics_are_off_without_a_token_and_refused_with_a_wrong_one(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


@pytest.mark.workers
def test_each_renditions_encode_and_the_queues_are_counted(bunny, library_keys, clip, client, settings):
    # given a video encoded by a worker, and one more waiting in the queue
    settings.METRICS_TOKEN = TOKEN
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("metrics.mp4", size="640x360", duration=2))
    run_burst()
    upload(
        bunny, library_keys.id, create_video(bunny, library_keys.id), clip("metrics.mp4", size="640x360", duration=2)
    )

    # when Prometheus scrapes
    text = scrape(client)

    # then each rendition of the ladder has one encode, of its 2 s, at a believable speed
    renditions = bunny.get(f"/library/{library_keys.id}/videos/{guid}").json()["availableResolutions"].split(",")
    assert renditions == ["240p", "360p"]
    for rendition in renditions:
        assert metric(text, "media_platform_encode_seconds_count", rendition=rendition) == 1
        encode = metric(text, "media_platform_encode_seconds_sum", rendition=rendition)
        assert 0 < encode < 120
        assert metric(text, "media_platform_encoded_media_seconds_total", rendition=rendition) == pytest.approx(2, 0.1)
        speed = metric(text, "media_platform_encode_realtime_factor_sum", rendition=rendition)
        assert speed == pytest.approx(metric(text, "media_platform_encoded_media_seconds_total", rendition=rendition)
                                      / encode, rel=0.01)  # fmt: skip
        assert metric(text, "media_platform_encode_realtime_factor_bucket", rendition=rendition, le="+Inf") == 1
    # and django-rq's collector reports the queue, and the requests of this test were counted
    assert metric(text, "rq_jobs", queue="default", status="queued") == 1
    assert metric(text, "media_platform_http_requests_total", method="PUT", view="bunny-video", status="200") >= 2
    assert metric(text, "media_platform_redis_up") == 1


@pytest.mark.workers
def test_webhook_failures_are_counted_by_dialect(library_keys, receiver, client, settings):
    # given a receiver that answers 500 and two attempts per delivery
    settings.METRICS_TOKEN, settings.WEBHOOK_MAX_ATTEMPTS, settings.WEBHOOK_BACKOFF_BASE = TOKEN, 2, 0.01
    receiver.statuses = [500] * 10
    subject = f"video:{uuid.uuid4()}"
    with transaction.atomic():
        webhook_enqueue(library=library_keys.library, url=f"{receiver.url}/hook", payload={}, event_key=subject,
                        dialect="bunny", subject=subject)  # fmt: skip

    # when workers have tried it twice
    for _ in range(40):
        run_burst(["webhooks"], with_scheduler=True)
        if len(receiver.received) >= 2:
            break
    run_burst(["webhooks"], with_scheduler=True)

    # then two failed attempts and one delivery failed for good are counted
    text = scrape(client)
    assert metric(text, "media_platform_webhook_failed_attempts_total", dialect="bunny") == 2
    assert metric(text, "media_platform_webhook_failed_deliveries_total", dialect="bunny") == 1

"""Webhook deliveries: attempts inline, Redeliver through the service."""

from __future__ import annotations

import django_rq
import pytest
from django.urls import reverse

from media_platform.models import WebhookAttempt, WebhookDelivery
from tests.admin.conftest import messages_of

pytestmark = pytest.mark.django_db


def failed_delivery(library) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.create(
        library=library, dialect="bunny", subject="video:1", url="https://hooks.example.com/x",
        payload={"VideoGuid": "abc", "Status": 3}, event_key="k-1", state="failed", attempts=2, last_status_code=500,
    )  # fmt: skip
    WebhookAttempt.objects.create(
        delivery=delivery, number=1, status_code=500, error="HTTP 500", response_excerpt="oops"
    )
    WebhookAttempt.objects.create(delivery=delivery, number=2, status_code=502, error="HTTP 502")
    return delivery


def test_the_delivery_page_shows_every_attempt(admin_client, library):
    delivery = failed_delivery(library)
    html = admin_client.get(reverse("admin:media_platform_webhookdelivery_change", args=[delivery.pk])).content.decode()
    assert "HTTP 500" in html and "HTTP 502" in html and "oops" in html
    assert "&quot;VideoGuid&quot;: &quot;abc&quot;" in html
    assert reverse("admin:media_platform_webhookdelivery_redeliver", args=[delivery.pk]) in html


def test_redeliver_action_and_button(admin_client, library, django_capture_on_commit_callbacks):
    delivery = failed_delivery(library)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:media_platform_webhookdelivery_changelist"),
            {"action": "redeliver", "index": 0, "_selected_action": [delivery.pk]},
            follow=True,
        )
    assert messages_of(response) == ["Queued 1 delivery again, from attempt one."]
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.attempts == 0
    assert django_rq.get_queue("webhooks").count == 1

    url = reverse("admin:media_platform_webhookdelivery_redeliver", args=[delivery.pk])
    response = admin_client.post(url, follow=True)
    assert messages_of(response) == ["Queued again, from attempt one."]

"""Webhook receivers that are down, too slow or answer 500: each delivery is tried with growing
waits, every attempt logged, and fails for good after WEBHOOK_MAX_ATTEMPTS; meanwhile a healthy
receiver gets its deliveries at once."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from media_platform.models import WebhookDelivery
from media_platform.services.libraries import library_create
from media_platform.services.webhooks import backoff_seconds, webhook_enqueue
from tests.environment import free_port
from tests.support.receiver import start_receiver
from tests.support.workers import run_burst

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers]


@pytest.fixture
def receivers():
    """A receiver answering 500, one slower than the timeout, one healthy; stopped afterwards."""
    started = {"500": start_receiver(), "slow": start_receiver(), "healthy": start_receiver()}
    started["500"].statuses = [500] * 100
    started["slow"].delay = 1.5
    yield started
    for receiver in started.values():
        receiver.server.shutdown()


def deliver(url: str, name: str) -> WebhookDelivery:
    library, _ = library_create(name=name)
    subject = f"video:{uuid.uuid4()}"
    with transaction.atomic():
        return webhook_enqueue(
            library=library,
            url=url,
            payload={"library": name},
            event_key=f"test:{subject}",
            dialect="bunny",
            subject=subject,
        )


def drain(until, timeout: float = 60) -> None:
    """Workers with the scheduler, as often as the backoff needs, until `until()` holds."""
    deadline = time.time() + timeout
    while not until():
        assert time.time() < deadline, "timed out"
        run_burst(["webhooks"], with_scheduler=True)
        time.sleep(0.1)


def test_failing_webhook_receivers_back_off_fail_for_good_and_hold_up_no_one(receivers, settings, scenario):
    settings.SSRF_ALLOWLIST = ["127.0.0.1"]
    # waits of 0.5, 1, 2 and 4 s between five attempts: long enough to stand out from a worker's start-up
    settings.WEBHOOK_MAX_ATTEMPTS, settings.WEBHOOK_BACKOFF_BASE, settings.WEBHOOK_TIMEOUT = 5, 0.5, 0.5
    # given deliveries to a receiver that is down, one that answers 500, one too slow, one healthy
    failing = {
        "down": deliver(f"http://127.0.0.1:{free_port()}/hook", "down"),
        "500": deliver(f"{receivers['500'].url}/hook", "500"),
        "slow": deliver(f"{receivers['slow'].url}/hook", "slow"),
    }
    healthy = [deliver(f"{receivers['healthy'].url}/hook", f"healthy {n}") for n in range(3)]

    # when workers run while the failing ones are still being retried
    drain(lambda: WebhookDelivery.objects.filter(attempts__gte=2).count() >= 3)
    created = timezone.now()
    late = deliver(f"{receivers['healthy'].url}/hook", "healthy, late")
    drain(lambda: not WebhookDelivery.objects.filter(state="pending").exists())

    # then every failing delivery was tried WEBHOOK_MAX_ATTEMPTS times, with growing waits, and failed
    outcome, waits = {}, {}
    for name, delivery in failing.items():
        delivery.refresh_from_db()
        attempts = list(delivery.attempt_log.order_by("number"))
        outcome[name] = (delivery.state, len(attempts), delivery.last_error)
        gaps = [(b.started_at - a.started_at).total_seconds() for a, b in zip(attempts, attempts[1:], strict=False)]
        waits[name] = "/".join(f"{gap:.1f}" for gap in gaps)
        assert [a.number for a in attempts] == [1, 2, 3, 4, 5], name
        assert all(gap >= backoff_seconds(n) for n, gap in enumerate(gaps, start=1)), (name, gaps)  # never early
        assert gaps[-1] > gaps[0], (name, gaps)
    # and each says why
    assert outcome["down"][0] == "failed" and "ConnectionError" in outcome["down"][2]
    assert outcome["500"][0] == "failed" and outcome["500"][2] == "HTTP 500"
    assert outcome["slow"][0] == "failed" and "ReadTimeout" in outcome["slow"][2]
    assert all(a.status_code == 500 for a in failing["500"].attempt_log.all())
    assert all(a.duration_ms >= 500 for a in failing["slow"].attempt_log.all())  # WEBHOOK_TIMEOUT

    # and the healthy receiver got each of its deliveries once, without waiting for the others
    finished_failing = max(d.attempt_log.order_by("-number").first().started_at for d in failing.values())
    on_time = [*healthy, late]
    for delivery in on_time:
        delivery.refresh_from_db()
    late_by = (late.delivered_at - created).total_seconds()
    lost = sum(d.state != "delivered" for d in on_time) + sum(state != "failed" for state, *_ in outcome.values())
    duplicates = len(receivers["healthy"].received) - len(on_time)
    scenario.record(
        f"down/500/slow: failed after {settings.WEBHOOK_MAX_ATTEMPTS} attempts, waits (s) {waits}; "
        f"{len(on_time)} healthy deliveries on time (the late one after {late_by:.1f} s)",
        lost=lost,
        duplicates=duplicates,
    )
    assert lost == 0 and duplicates == 0
    assert all(d.attempts == 1 and d.delivered_at < finished_failing for d in on_time)
    assert late.delivered_at - created < timedelta(seconds=3)

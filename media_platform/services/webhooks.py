"""Webhooks as an outbox: a row written with the change it reports, delivered by a job.

Deliveries about one subject go out one at a time and in order (a Redis lock per subject);
a failure waits with exponential backoff and holds back later deliveries of that subject.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta

import django_rq
import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from media_platform.crypto import SecretUnreadable, decrypt, encrypt
from media_platform.models import Library, WebhookAttempt, WebhookDelivery
from media_platform.net import guarded_session
from media_platform.observability.metrics import record_webhook_failure
from media_platform.services.queueing import enqueue, enqueue_in, enqueue_on_commit
from media_platform.webhooks.signing import signature_headers

log = logging.getLogger(__name__)
DELIVER = "media_platform.jobs.webhooks.deliver_subject"
USER_AGENT = "media-platform-webhooks/1.0"


def webhook_enqueue(
    *,
    library: Library,
    url: str,
    payload: dict,
    event_key: str,
    dialect: str,
    subject: str,
    process=None,
    video_guid=None,
    headers: dict[str, str] | None = None,
    headers_encrypted: str = "",
) -> WebhookDelivery | None:
    """Record a delivery (once per event_key) in the caller's transaction; sent after commit.
    Extra headers come in the clear (`headers`) or already sealed (`headers_encrypted`)."""
    if not url:
        return None
    delivery, created = WebhookDelivery.objects.get_or_create(
        event_key=event_key,
        defaults={
            "library": library,
            "url": url,
            "payload": payload,
            "dialect": dialect,
            "subject": subject,
            "process": process,
            "video_guid": video_guid,
            "headers_encrypted": encrypt(json.dumps(headers)) if headers else headers_encrypted,
        },
    )
    if created:
        # robust: the row is the outbox. With Redis down it waits, pending, for `webhook_sweep`;
        # the change it reports (a process finishing on a worker) must not fail with it.
        transaction.on_commit(lambda: enqueue("webhooks", DELIVER, subject), robust=True)
    return delivery if created else None


def backoff_seconds(attempt: int) -> float:
    return min(settings.WEBHOOK_BACKOFF_BASE * 2 ** (attempt - 1), 3600)


class NotSent(Exception):
    """The delivery must not go out at all (its signing secret or headers cannot be read)."""


def _headers(delivery: WebhookDelivery, body: bytes) -> dict[str, str]:
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    try:
        secret = decrypt(delivery.library.webhook_secret_encrypted, what="the library's webhook signing secret")
        extra = json.loads(decrypt(delivery.headers_encrypted, what="the webhook's headers") or "{}")
    except SecretUnreadable as exc:
        raise NotSent(f"not sent: {exc}") from exc  # never unsigned, never without its headers
    if secret:
        headers.update(signature_headers(secret, body))
    headers.update(extra)
    return headers


def _send(delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    headers = _headers(delivery, body)
    try:
        with guarded_session() as session:
            response = session.post(
                delivery.url, data=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT, allow_redirects=False
            )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:1000], ""
    return response.status_code, "", response.text[:500]


def _attempt(delivery: WebhookDelivery) -> bool:
    started = time.monotonic()
    try:
        status_code, error, excerpt = _send(delivery)
    except NotSent as exc:
        log.error("webhook delivery %s: %s", delivery.pk, exc)
        status_code, error, excerpt, final = None, str(exc), "", True
    else:
        final = False
    ok = status_code is not None and 200 <= status_code < 300
    number = delivery.attempts + 1
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=number,
        duration_ms=int((time.monotonic() - started) * 1000),
        status_code=status_code,
        error=error or ("" if ok else f"HTTP {status_code}"),
        response_excerpt=excerpt,
    )
    delivery.attempts = number
    delivery.last_status_code = status_code
    delivery.last_error = "" if ok else (error or f"HTTP {status_code}")
    if ok:
        delivery.state = WebhookDelivery.State.DELIVERED
        delivery.delivered_at = timezone.now()
    elif final or number >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.state = WebhookDelivery.State.FAILED
    else:
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=backoff_seconds(number))
    delivery.save()
    if not ok:
        record_webhook_failure(dialect=delivery.dialect, final=delivery.state == WebhookDelivery.State.FAILED)
    return ok


def webhook_deliver_subject(*, subject: str) -> None:
    """Send this subject's pending deliveries, oldest first, stopping at the first that fails."""
    lock = django_rq.get_connection("webhooks").lock(
        f"media-platform:webhook:{subject}", timeout=600, blocking_timeout=0
    )
    if not lock.acquire(blocking=False):
        return  # another worker is on it; it sends ours too
    try:
        while True:
            delivery = (
                WebhookDelivery.objects.select_related("library")
                .filter(subject=subject, state=WebhookDelivery.State.PENDING)
                .order_by("created_at", "id")
                .first()
            )
            if delivery is None:
                return
            wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
            if wait > 0:
                enqueue_in(wait, "webhooks", DELIVER, subject)
                return
            if not _attempt(delivery) and delivery.state == WebhookDelivery.State.PENDING:
                enqueue_in(backoff_seconds(delivery.attempts), "webhooks", DELIVER, subject)
                return
    finally:
        try:
            lock.release()
        except Exception:  # the lock expired under a very slow receiver; nothing to release
            log.warning("webhook lock for %s expired before release", subject)


def webhook_sweep() -> int:
    """Re-drive deliveries whose time has come (their job may have been lost with Redis)."""
    subjects = set(
        WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING, next_attempt_at__lte=timezone.now())
        .values_list("subject", flat=True)
        .distinct()
    )
    for subject in subjects:
        enqueue("webhooks", DELIVER, subject)
    return len(subjects)


@transaction.atomic
def webhook_redeliver(*, delivery: WebhookDelivery) -> None:
    """Operator action: try a failed delivery again from attempt one."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=WebhookDelivery.State.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    enqueue_on_commit("webhooks", DELIVER, delivery.subject)

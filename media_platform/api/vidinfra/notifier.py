"""vidinfra's `webhook_config`: a POST of the job (the API's `result` shape) to its url, with its
custom headers, each time the job's vidinfra status changes: queued, processing, then completed,
partially_failed, failed or cancelled. Engine events that do not change that word (received
before queued, encoding after started) send nothing.

Delivery goes through the webhook outbox: signed, retried with backoff, in order per job, once
per event and process generation (a retry owes its webhooks afresh). The custom headers are
kept encrypted on the process and on each delivery.
"""

from __future__ import annotations

from media_platform.models import EncodingProcess
from media_platform.services.pipeline.notify import event_key
from media_platform.services.webhooks import webhook_enqueue
from media_platform.status import STAGE_EVENTS, Event

from .payloads import job_payload
from .presenters import job_facts


def notify(process: EncodingProcess, event: Event) -> None:
    if event not in STAGE_EVENTS or not process.callback_url:
        return
    # Re-read: the event that brought us here was written with update(), not on this instance.
    fresh = EncodingProcess.objects.prefetch_related("jobs__outputs", "messages").get(pk=process.pk)
    webhook_enqueue(
        library=process.library,
        url=fresh.callback_url,
        payload=job_payload(job_facts(fresh), mask_headers=True),
        event_key=event_key(fresh, event, "vidinfra"),
        dialect="vidinfra",
        subject=f"process:{process.pk}",
        process=fresh,
        # Still sealed: opened only to send, where a value that cannot be read stops the delivery.
        headers_encrypted=fresh.callback_headers_encrypted,
    )

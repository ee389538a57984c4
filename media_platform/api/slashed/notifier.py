"""The request API's callback: one POST to the request's `callback` when a process ends.

The body is the detailed process status (presenters.process_detail), built from the rows as
they are in the transaction that ends the process, so it reports the outputs and job statuses
just recorded. Delivery goes through the webhook outbox: signed, retried with backoff, in order
per process, once per process generation (a retry owes a new callback)."""

from __future__ import annotations

import logging

from media_platform.models import EncodingProcess
from media_platform.services.pipeline.notify import event_key
from media_platform.services.webhooks import webhook_enqueue
from media_platform.status import END_EVENTS, Event, row

from .payloads import public_status
from .presenters import process_detail

log = logging.getLogger(__name__)


def notify(process: EncodingProcess, event: Event) -> None:
    if event not in END_EVENTS or not process.callback_url:
        return
    webhook_enqueue(
        library=process.library,
        url=process.callback_url,
        payload=_payload(process, event),
        event_key=event_key(process, event, "slashed"),
        dialect="slashed",
        subject=f"process:{process.pk}",
        process=process,
    )


def _payload(process: EncodingProcess, event: Event) -> dict:
    """The detailed body; should building it ever fail, the client still hears how the process
    ended (and the encode, whose transaction this is, still ends), and the error is logged."""
    try:
        return process_detail(process)
    except Exception:
        log.exception("slashed callback body for process %s could not be built", process.public_id)
        status = public_status(row(event).process)
        return {"process_id": process.public_id, "success": int(status == "FINISHED"), "status": status}

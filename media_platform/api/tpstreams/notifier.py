"""TPStreams' organisation webhook: the job, in the service's shape, on every status change.

The library's webhook_url gets one POST each time the TPStreams status word changes
(Queued → transcoding → completed | error | cancelled), built from the row as it is in the
transaction that records the change. Delivery goes through the webhook outbox: signed,
retried with backoff, in order per process, once per change (a retry's new generation owes
its webhooks afresh). TPStreams sends the organisation's secret token in `X-Streams-Token`; so do
we, besides the HMAC signatures every webhook carries, but only when the library has a signing
secret of its own: by default that secret is the read-only API key, which must not travel in clear.
"""

from __future__ import annotations

from media_platform.crypto import SecretUnreadable, decrypt, hash_key
from media_platform.models import EncodingProcess
from media_platform.services.pipeline.notify import event_key
from media_platform.services.webhooks import webhook_enqueue
from media_platform.status import STAGE_EVENTS, Event

from .presenters import job_detail


def notify(process: EncodingProcess, event: Event) -> None:
    library = process.library
    if event not in STAGE_EVENTS or not library.webhook_url:
        return
    # Re-read: the event was written with update(), and the probe (video_duration) by another one.
    fresh = EncodingProcess.objects.get(pk=process.pk)
    webhook_enqueue(
        library=library,
        url=library.webhook_url,
        payload=job_detail(fresh),
        event_key=event_key(process, event, "tpstreams"),
        dialect="tpstreams",
        subject=f"process:{process.pk}",
        process=process,
        headers=streams_token(library),
    )


def streams_token(library) -> dict[str, str] | None:
    try:
        secret = decrypt(library.webhook_secret_encrypted)
    except SecretUnreadable:
        return None  # the same secret signs the delivery, which is then not sent, and says why
    if not secret or hash_key(secret) == library.read_only_api_key_hash:
        return None
    return {"X-Streams-Token": secret}

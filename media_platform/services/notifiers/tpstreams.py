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

import json

from media_platform.crypto import SecretUnreadable, decrypt, hash_key
from media_platform.models import EncodingProcess
from media_platform.services.pipeline.notify import event_key
from media_platform.services.webhooks import webhook_enqueue
from media_platform.status import Event
from media_platform.webhooks.payloads.tpstreams import JobFacts, job_payload

# The events that change the TPStreams word; RECEIVED, VALIDATING and ENCODING do not.
WEBHOOK_EVENTS = {
    Event.QUEUED,
    Event.STARTED,
    Event.FINISHED,
    Event.PARTIALLY_FAILED,
    Event.FAILED,
    Event.REJECTED,
    Event.CANCELLED,
}
# Where the request keeps client_metadata as the client wrote it: text keeps its key order in any database.
METADATA_TEXT = "client_metadata_json"


def notify(process: EncodingProcess, event: Event) -> None:
    library = process.library
    if event not in WEBHOOK_EVENTS or not library.webhook_url:
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


def job_detail(process: EncodingProcess) -> dict:
    """The job as GET …/transcoding_jobs/<id>/ and the webhook show it; reads only the row."""
    return job_payload(job_facts(process))


def job_facts(process: EncodingProcess) -> JobFacts:
    request = process.request or {}
    info = process.source_info or {}
    return JobFacts(
        id=process.public_id,
        resolutions=tuple(request.get("resolutions") or ()),
        duration=info.get("duration") if process.source_info else None,
        status=process.status,
        input_url=request.get("input_url") or request.get("input_path") or "",
        input_path=request.get("input_path"),
        output_path=request.get("output_path") or "",
        started_at=process.started_at,
        finished_at=process.finished_at,
        fail_message=process.fail_message,
        client_metadata=client_metadata(process),
    )


def client_metadata(process: EncodingProcess):
    text = (process.request or {}).get(METADATA_TEXT)
    return json.loads(text) if text is not None else process.client_metadata

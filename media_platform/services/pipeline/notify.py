"""Who is told about a process event, in which dialect's words. Called inside the transaction
that records the event, so a notification exists exactly when the change does.

The library's own webhook speaks bunny whatever dialect started a process (when the process
concerns a video); the dialect that started it may have webhooks of its own, sent by the
notifier it registered (media_platform/dialects.py).
"""

from __future__ import annotations

from uuid import UUID

from media_platform.dialects import dialect_named
from media_platform.models import EncodingProcess, Library
from media_platform.services.webhooks import webhook_enqueue
from media_platform.status import BunnyWebhookStatus, Event, row
from media_platform.webhooks.payloads import bunny_payload


def event_key(process: EncodingProcess, event: Event, channel: str) -> str:
    return f"{channel}:{process.pk}:{process.generation}:{event.value}"


def bunny_webhook_send(
    *,
    library: Library,
    video_guid: UUID,
    status: BunnyWebhookStatus,
    event_key: str,
    process: EncodingProcess | None = None,
) -> None:
    """Tell the library's webhook_url, in bunny's words, that a video reached `status`:
    {"VideoLibraryId", "VideoGuid", "Status"}. Recorded once per `event_key` (say what happened
    to what: "bunny:<process>:<generation>:finished"), delivered after the caller's transaction
    commits; nothing without a webhook URL."""
    if not library.webhook_url:
        return
    webhook_enqueue(
        library=library,
        url=library.webhook_url,
        payload=bunny_payload(library_id=library.pk, video_guid=str(video_guid), status=int(status)),
        event_key=event_key,
        dialect="bunny",
        subject=f"video:{video_guid}",
        process=process,
        video_guid=video_guid,
    )


def _video_told(process: EncodingProcess) -> UUID | None:
    """The guid of the process's video, when its library has a webhook URL to tell; checked
    before any query for the video, as most processes have no webhook to send."""
    if process.video_id is None or not process.library.webhook_url:
        return None
    video = process.video
    return video.guid if video is not None else None


def notify_bunny(process: EncodingProcess, event: Event) -> None:
    """The bunny webhook status of this event (some have none), about the process's video."""
    status = row(event).bunny_webhook
    if status is not None and (guid := _video_told(process)) is not None:
        key = event_key(process, event, "bunny")
        bunny_webhook_send(library=process.library, video_guid=guid, status=status, event_key=key, process=process)


def notify_bunny_captions_generated(process: EncodingProcess) -> None:
    """bunny's status 9 (CaptionsGenerated): captions made by speech to text were attached to the
    video. Once per process run, whatever number of languages."""
    if (guid := _video_told(process)) is not None:
        bunny_webhook_send(
            library=process.library,
            video_guid=guid,
            status=BunnyWebhookStatus.CAPTIONS_GENERATED,
            event_key=f"bunny:{process.pk}:{process.generation}:captions_generated",
            process=process,
        )


def notify_bunny_resolution(process: EncodingProcess, rendition: str) -> None:
    """bunny's status 4 (ResolutionFinished): a rendition became playable before the whole ladder
    is done (JIT playlists published, a fast-start rendition). Once per rendition and run."""
    if (guid := _video_told(process)) is not None:
        bunny_webhook_send(
            library=process.library,
            video_guid=guid,
            status=BunnyWebhookStatus.RESOLUTION_FINISHED,
            event_key=f"bunny:{process.pk}:{process.generation}:resolution:{rendition}",
            process=process,
        )


def notify(process: EncodingProcess, event: Event) -> None:
    notify_bunny(process, event)
    if (notifier := dialect_named(process.dialect).notifier) is not None:
        notifier(process, event)

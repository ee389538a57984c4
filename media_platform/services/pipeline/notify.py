"""Who is told about a process event, in which dialect's words. Called inside the transaction
that records the event, so a notification exists exactly when the change does."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.module_loading import import_string

from media_platform.models import EncodingProcess
from media_platform.services.webhooks import webhook_enqueue
from media_platform.status import BunnyWebhookStatus, Event, row
from media_platform.webhooks.payloads import bunny_payload

Notifier = Callable[[EncodingProcess, Event], None]


def event_key(process: EncodingProcess, event: Event, channel: str) -> str:
    return f"{channel}:{process.pk}:{process.generation}:{event.value}"


def notify_bunny(process: EncodingProcess, event: Event) -> None:
    """Library webhooks speak bunny whatever dialect started the process, as long as it
    concerns a video: {"VideoLibraryId", "VideoGuid", "Status"}."""
    status = row(event).bunny_webhook
    library = process.library
    if status is None or process.video_id is None or not library.webhook_url:
        return
    guid = str(process.video.guid)
    webhook_enqueue(
        library=library,
        url=library.webhook_url,
        payload=bunny_payload(library_id=library.pk, video_guid=guid, status=int(status)),
        event_key=event_key(process, event, "bunny"),
        dialect="bunny",
        subject=f"video:{guid}",
        process=process,
        video_guid=process.video.guid,
    )


def notify_bunny_captions_generated(process: EncodingProcess) -> None:
    """bunny's status 9 (CaptionsGenerated): captions made by speech to text were attached to the
    video. Once per process run, whatever number of languages."""
    library = process.library
    if process.video_id is None or not library.webhook_url:
        return
    guid = str(process.video.guid)
    status = BunnyWebhookStatus.CAPTIONS_GENERATED
    webhook_enqueue(
        library=library,
        url=library.webhook_url,
        payload=bunny_payload(library_id=library.pk, video_guid=guid, status=int(status)),
        event_key=f"bunny:{process.pk}:{process.generation}:captions_generated",
        dialect="bunny",
        subject=f"video:{guid}",
        process=process,
        video_guid=process.video.guid,
    )


def notify_bunny_resolution(process: EncodingProcess, rendition: str) -> None:
    """bunny's status 4 (ResolutionFinished): a rendition became playable before the whole ladder
    is done (JIT playlists published, a fast-start rendition). Once per rendition and run."""
    library = process.library
    if process.video_id is None or not library.webhook_url:
        return
    guid = str(process.video.guid)
    webhook_enqueue(
        library=library,
        url=library.webhook_url,
        payload=bunny_payload(
            library_id=library.pk, video_guid=guid, status=int(BunnyWebhookStatus.RESOLUTION_FINISHED)
        ),
        event_key=f"bunny:{process.pk}:{process.generation}:resolution:{rendition}",
        dialect="bunny",
        subject=f"video:{guid}",
        process=process,
        video_guid=process.video.guid,
    )


# Dialects that call back per process (a callback URL, webhook_config, organisation webhooks):
# dialect → "module.function" taking (process, event), imported on first use.
DIALECT_NOTIFIERS: dict[str, str] = {
    "slashed": "media_platform.services.notifiers.slashed.notify",
    "vidinfra": "media_platform.services.notifiers.vidinfra.notify",
    "tpstreams": "media_platform.services.notifiers.tpstreams.notify",
}


def notify(process: EncodingProcess, event: Event) -> None:
    notify_bunny(process, event)
    path = DIALECT_NOTIFIERS.get(process.dialect)
    if path is not None:
        notifier: Notifier = import_string(path)
        notifier(process, event)

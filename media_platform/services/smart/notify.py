"""bunny's webhooks about a video rather than an encode: 9 CaptionsGenerated, 10
TitleOrDescriptionGenerated. Recorded in the caller's transaction, once per run."""

from __future__ import annotations

import uuid

from media_platform.models import Video
from media_platform.services.webhooks import webhook_enqueue
from media_platform.status import BunnyWebhookStatus
from media_platform.webhooks.payloads import bunny_payload


def notify_video(video: Video, status: BunnyWebhookStatus) -> None:
    library = video.library
    if not library.webhook_url:
        return
    guid = str(video.guid)
    webhook_enqueue(
        library=library,
        url=library.webhook_url,
        payload=bunny_payload(library_id=library.pk, video_guid=guid, status=int(status)),
        event_key=f"bunny:video:{guid}:{int(status)}:{uuid.uuid4().hex}",
        dialect="bunny",
        subject=f"video:{guid}",
        video_guid=video.guid,
    )

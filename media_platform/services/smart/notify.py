"""bunny's webhooks about a video rather than an encode: 9 CaptionsGenerated, 10
TitleOrDescriptionGenerated. Recorded in the caller's transaction, once per run."""

from __future__ import annotations

import uuid

from media_platform.models import Video
from media_platform.services.pipeline.notify import bunny_webhook_send
from media_platform.status import BunnyWebhookStatus


def notify_video(video: Video, status: BunnyWebhookStatus) -> None:
    bunny_webhook_send(
        library=video.library,
        video_guid=video.guid,
        status=status,
        event_key=f"bunny:video:{video.guid}:{int(status)}:{uuid.uuid4().hex}",
    )

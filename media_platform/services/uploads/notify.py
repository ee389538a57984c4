"""bunny's webhooks for a presigned (TUS) upload's life: 6 started, 7 finished, 8 failed."""

from __future__ import annotations

from media_platform.models import TusUpload
from media_platform.services.pipeline.notify import bunny_webhook_send
from media_platform.status import BunnyWebhookStatus


def notify_upload(upload: TusUpload, status: BunnyWebhookStatus) -> None:
    """In the caller's transaction; once per upload and status. Ordered with the video's other
    webhooks (same subject), so Finished (7) comes before the encode's Queued (0)."""
    bunny_webhook_send(
        library=upload.library,
        video_guid=upload.video.guid,
        status=status,
        event_key=f"bunny:tus:{upload.pk}:{int(status)}",
    )

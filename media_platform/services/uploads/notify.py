"""bunny's webhooks for a presigned (TUS) upload's life: 6 started, 7 finished, 8 failed."""

from __future__ import annotations

from media_platform.models import TusUpload
from media_platform.services.webhooks import webhook_enqueue
from media_platform.status import BunnyWebhookStatus
from media_platform.webhooks.payloads import bunny_payload


def notify_upload(upload: TusUpload, status: BunnyWebhookStatus) -> None:
    """In the caller's transaction; once per upload and status. Ordered with the video's other
    webhooks (same subject), so Finished (7) comes before the encode's Queued (0)."""
    library = upload.library
    if not library.webhook_url:
        return
    guid = str(upload.video.guid)
    webhook_enqueue(
        library=library,
        url=library.webhook_url,
        payload=bunny_payload(library_id=library.pk, video_guid=guid, status=int(status)),
        event_key=f"bunny:tus:{upload.pk}:{int(status)}",
        dialect="bunny",
        subject=f"video:{guid}",
        video_guid=upload.video.guid,
    )

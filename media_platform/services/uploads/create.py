from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from media_platform.models import Collection, TusUpload, Video
from media_platform.services.videos import original_name
from media_platform.status import BunnyWebhookStatus

from .notify import notify_upload


def expiry_from(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.TUS_UPLOAD_EXPIRY)


@transaction.atomic
def tus_upload_create(
    *,
    video: Video,
    length: int,
    metadata: str = "",
    title: str | None = None,
    collection: Collection | None = None,
    thumbnail_time: int | None = None,
) -> TusUpload:
    """A new upload for the video; bunny's metadata (title, collection, thumbnailTime) applies now."""
    asked = {"title": title, "collection": collection, "thumbnail_time": thumbnail_time}
    changed = {name: value for name, value in asked.items() if value is not None}
    for name, value in changed.items():
        setattr(video, name, value)
    if changed:
        video.save(update_fields=[*changed, "updated_at"])
    now = timezone.now()
    upload = TusUpload.objects.create(
        library=video.library,
        video=video,
        length=length,
        metadata=metadata,
        target_name=original_name(video),
        created_at=now,
        updated_at=now,
        expires_at=expiry_from(now),
    )
    notify_upload(upload, BunnyWebhookStatus.PRESIGNED_UPLOAD_STARTED)
    return upload

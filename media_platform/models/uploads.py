import uuid

from django.db import models
from django.utils import timezone


class TusUpload(models.Model):
    """A resumable (tus) upload of a video's original: how far it got and where its bytes wait.

    The offset only moves by a compare-and-set on its old value, so two requests that append at
    the same offset cannot both count.
    """

    class State(models.TextChoices):
        RECEIVING = "receiving"
        COMPLETE = "complete"  # every byte is in; a worker is making it the video's original
        STORED = "stored"  # it is the video's original now
        EXPIRED = "expired"  # abandoned: its bytes were removed
        FAILED = "failed"  # its bytes could not become the original

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    library = models.ForeignKey("media_platform.Library", on_delete=models.CASCADE, related_name="tus_uploads")
    video = models.ForeignKey("media_platform.Video", on_delete=models.CASCADE, related_name="tus_uploads")
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    metadata = models.TextField(blank=True, default="", help_text="Upload-Metadata, as it is echoed back")
    # The original's name once complete; the bytes wait beside it (storage/resumable.py), inside the
    # video's originals folder, so deleting the video deletes them too.
    target_name = models.CharField(max_length=500)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVING)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["state", "expires_at"])]

    def __str__(self) -> str:
        return f"tus upload {self.pk} ({self.offset}/{self.length}, {self.state})"

    @property
    def is_gone(self) -> bool:
        return self.state in (self.State.EXPIRED, self.State.FAILED)


class TusSegment(models.Model):
    """On S3 each stretch of a PATCH body is stored as an object of its own, joined when complete.
    One row per offset: a second stretch at the same offset cannot be recorded."""

    upload = models.ForeignKey(TusUpload, on_delete=models.CASCADE, related_name="segments")
    offset = models.BigIntegerField()
    size = models.BigIntegerField()
    name = models.CharField(max_length=600)

    class Meta:
        ordering = ["upload", "offset"]
        constraints = [models.UniqueConstraint(fields=["upload", "offset"], name="tus_segment_one_per_offset")]

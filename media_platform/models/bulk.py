"""A bulk command: one query, one action, applied to every video it selects, as Nuxeo's bulk service does."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from media_platform.status import BulkState

DEFAULT_BATCH_SIZE = 500


class BulkCommand(models.Model):
    """Mirrors Nuxeo's bulkStatus entity, plus what the scroll needs to resume after a worker restart."""

    class Action(models.TextChoices):
        RECOMPUTE = "recomputeVideoConversion"
        REENCODE = "reencode"

    command_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(
        max_length=20, choices=[(s.value, s.value.title()) for s in BulkState], default=BulkState.SCHEDULED
    )
    action = models.CharField(max_length=50, choices=Action.choices)
    query = models.TextField()
    # {"conversionNames": ["240p"], "recomputeAllVideoInfo": false}
    params = models.JSONField(default=dict, blank=True)
    library = models.ForeignKey(
        "media_platform.Library",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bulk_commands",
        help_text="Only this library's videos; empty for every library",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="bulk_commands"
    )
    username = models.CharField(max_length=150, default="system")
    processed = models.PositiveIntegerField(default=0, help_text="Videos whose work was queued")
    error = models.BooleanField(default=False)
    error_count = models.PositiveIntegerField(default=0)
    error_message = models.TextField(blank=True, default="", help_text="The latest error, for operators")
    total = models.PositiveIntegerField(default=0)
    submitted = models.DateTimeField(default=timezone.now, db_index=True)
    scroll_start = models.DateTimeField(null=True, blank=True)
    scroll_end = models.DateTimeField(null=True, blank=True)
    processing_start = models.DateTimeField(null=True, blank=True)
    processing_end = models.DateTimeField(null=True, blank=True)
    completed = models.DateTimeField(null=True, blank=True)
    processing_millis = models.BigIntegerField(default=0)
    # The scroll walks videos by primary key; this is the last one done, so a re-run resumes after it.
    cursor = models.BigIntegerField(default=0)
    batch_size = models.PositiveIntegerField(default=DEFAULT_BATCH_SIZE)
    abort_requested = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted", "-id"]
        indexes = [models.Index(fields=["state", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.command_id} ({self.state})"

    @property
    def is_done(self) -> bool:
        return self.state in (BulkState.COMPLETED, BulkState.ABORTED)

    @property
    def conversion_names(self) -> list[str]:
        return list(self.params.get("conversionNames") or [])

    @property
    def recompute_all_video_info(self) -> bool:
        return bool(self.params.get("recomputeAllVideoInfo"))

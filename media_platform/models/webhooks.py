from django.db import models
from django.utils import timezone

from .fields import JSONTextField


class WebhookDelivery(models.Model):
    """One notification to send, written in the same transaction as the change it reports.

    event_key makes a second delivery of the same change impossible (a re-run job, a worker
    that died after sending): the row already exists.
    """

    class State(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"

    library = models.ForeignKey("media_platform.Library", on_delete=models.CASCADE, related_name="webhook_deliveries")
    process = models.ForeignKey(
        "media_platform.EncodingProcess", null=True, blank=True, on_delete=models.SET_NULL, related_name="webhooks"
    )
    video_guid = models.UUIDField(null=True, blank=True)
    dialect = models.CharField(max_length=20)
    # Deliveries about one subject (a video, a process) go out one at a time, in order.
    subject = models.CharField(max_length=100, db_index=True)
    url = models.URLField(max_length=2000)
    headers_encrypted = models.TextField(blank=True, default="")
    payload = JSONTextField()
    event_key = models.CharField(max_length=250, unique=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_status_code = models.IntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.dialect} → {self.url} ({self.state})"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.IntegerField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    response_excerpt = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["delivery", "number"]

from django.db import models
from django.utils import timezone

from media_platform.engine.issues import IssueCode, Severity


class TranscodingMessage(models.Model):
    """A problem found while ingesting or encoding, as bunny's TranscodingMessageModel reports it."""

    video = models.ForeignKey(
        "media_platform.Video", null=True, blank=True, on_delete=models.CASCADE, related_name="transcoding_messages"
    )
    process = models.ForeignKey(
        "media_platform.EncodingProcess", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    time_stamp = models.DateTimeField(default=timezone.now)
    level = models.PositiveSmallIntegerField(choices=[(s.value, s.name.title()) for s in Severity])
    issue_code = models.PositiveSmallIntegerField(
        choices=[(c.value, c.name.title().replace("_", "")) for c in IssueCode]
    )
    message = models.TextField()
    value = models.TextField(null=True, blank=True)

    class Meta:
        ordering = ["time_stamp", "id"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.get_issue_code_display()}: {self.message}"

from django.db import models
from django.utils import timezone


class PlaybackPlan(models.Model):
    """Outputs a video plays from before its ladder is done: JIT renditions whose segments are
    encoded on first request, or the source's own streams remuxed (fast start). Its playlists are
    written whole when it is made; its segments appear under `prefix` as they are first asked for."""

    class Kind(models.TextChoices):
        JIT = "jit"  # the ladder's renditions, segment k encoded when first requested
        COPY = "copy"  # the source's H.264 (and AAC) remuxed, cut on its own keyframes

    class Status(models.TextChoices):
        ACTIVE = "active"  # published: the video plays from it
        RETIRED = "retired"  # the ladder replaced it; its files go after the grace period

    video = models.ForeignKey("media_platform.Video", on_delete=models.CASCADE, related_name="playback_plans")
    process = models.ForeignKey(
        "media_platform.EncodingProcess", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    prefix = models.CharField(max_length=500)
    source_name = models.CharField(max_length=500)
    source_info = models.JSONField()
    # JIT: the ladder's HLS job (engine spec JSON), whose renditions it plans.
    job = models.JSONField(null=True, blank=True)
    renditions = models.JSONField(default=list)  # folder names, as in `{name}/video.m3u8`
    # Per segment: where it starts on the timeline, its playlist duration, where its decode starts.
    starts = models.JSONField(default=list)
    durations = models.JSONField(default=list)
    decode_from = models.JSONField(default=list)
    frames = models.JSONField(default=list)  # frames per segment, to check what a run made
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["video", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} plan of video {self.video_id} ({self.status})"

    @property
    def segment_count(self) -> int:
        return len(self.starts)

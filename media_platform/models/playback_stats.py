"""What players fetched, folded from Redis counters by the periodic job (services.playback_stats)."""

from django.db import models


class PlaybackHour(models.Model):
    """Views (playback starts, one per viewer session) and seconds watched in one UTC hour."""

    video = models.ForeignKey("media_platform.Video", on_delete=models.CASCADE, related_name="playback_hours")
    hour = models.DateTimeField()
    views = models.BigIntegerField(default=0)
    watch_seconds = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["video", "hour"], name="playback_hour_unique")]
        indexes = [models.Index(fields=["hour"])]


class PlaybackHeatmap(models.Model):
    """How many viewer sessions fetched each segment of the timeline: {segment index: sessions}."""

    video = models.OneToOneField(
        "media_platform.Video", on_delete=models.CASCADE, primary_key=True, related_name="playback_heatmap"
    )
    segment_seconds = models.FloatField(default=4.0)
    segments = models.JSONField(default=dict)


class PlaybackFold(models.Model):
    """A batch of Redis counters already added to the database: a fold that runs twice skips it."""

    batch = models.CharField(max_length=100, unique=True)
    applied_at = models.DateTimeField(auto_now_add=True, db_index=True)

import uuid

from django.db import models
from django.utils import timezone

from media_platform.status import VideoStatus

MAX_THUMBNAIL_TIME_MS = 2**31 - 1  # what Video.thumbnail_time (an IntegerField) holds on every database


class Video(models.Model):
    """A video as bunny's VideoModel describes it, plus where its original and outputs live."""

    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    library = models.ForeignKey("media_platform.Library", on_delete=models.CASCADE, related_name="videos")
    collection = models.ForeignKey(
        "media_platform.Collection", null=True, blank=True, on_delete=models.SET_NULL, related_name="videos"
    )
    title = models.CharField(max_length=500)
    description = models.TextField(null=True, blank=True)
    date_uploaded = models.DateTimeField(default=timezone.now, db_index=True)
    views = models.BigIntegerField(default=0)
    is_public = models.BooleanField(default=False)
    length = models.IntegerField(default=0, help_text="Seconds")
    status = models.PositiveSmallIntegerField(
        choices=[(s.value, s.name.title().replace("_", "")) for s in VideoStatus], default=VideoStatus.CREATED
    )
    framerate = models.FloatField(default=0)
    rotation = models.IntegerField(null=True, blank=True)
    width = models.IntegerField(default=0)
    height = models.IntegerField(default=0)
    available_resolutions = models.CharField(max_length=200, blank=True, default="")
    output_codecs = models.CharField(max_length=50, default="x264")
    thumbnail_count = models.IntegerField(default=0)
    encode_progress = models.IntegerField(default=0)
    storage_size = models.BigIntegerField(default=0)
    has_mp4_fallback = models.BooleanField(default=False)
    thumbnail_file_name = models.CharField(max_length=200, null=True, blank=True)
    thumbnail_blurhash = models.CharField(max_length=100, null=True, blank=True)
    thumbnail_time = models.IntegerField(null=True, blank=True, help_text="Milliseconds into the video")
    average_watch_time = models.BigIntegerField(default=0)
    total_watch_time = models.BigIntegerField(default=0)
    category = models.CharField(max_length=100, null=True, blank=True)
    chapters = models.JSONField(default=list, blank=True)
    moments = models.JSONField(default=list, blank=True)
    meta_tags = models.JSONField(default=list, blank=True)
    jit_encoding_enabled = models.BooleanField(default=False)
    smart_generate_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # bunny's SmartGenerateFeaturesStatusModel: {"title", "description", "chapters", "moments"} →
    # a SmartGenerateStatus each (null: never asked); smart_generate_status is derived from it.
    smart_generate_features = models.JSONField(null=True, blank=True)
    has_original = models.BooleanField(default=False)
    original_hash = models.CharField(max_length=64, null=True, blank=True)
    has_high_quality_preview = models.BooleanField(default=False)

    # Where things live in storage. Outputs are published by switching outputs_prefix.
    original_name = models.CharField(max_length=500, blank=True, default="")
    original_size = models.BigIntegerField(default=0)
    source_info = models.JSONField(null=True, blank=True, help_text="ffprobe of the original")
    outputs_prefix = models.CharField(max_length=500, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date_uploaded", "-id"]
        indexes = [
            # The default listing order, whole: no sort of the library's videos for the tie-break.
            models.Index(fields=["library", "-date_uploaded", "-id"], name="video_library_listing"),
            models.Index(fields=["library", "status"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def resolutions(self) -> list[str]:
        return [r for r in self.available_resolutions.split(",") if r]


class Caption(models.Model):
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="captions")
    srclang = models.CharField(max_length=20)
    label = models.CharField(max_length=200, null=True, blank=True)
    version = models.IntegerField(default=1)
    file_name = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["srclang"]
        constraints = [models.UniqueConstraint(fields=["video", "srclang"], name="caption_unique_language")]

    def __str__(self) -> str:
        return f"{self.srclang} ({self.label})"

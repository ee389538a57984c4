"""The engine's model: a process (one source, many jobs) → jobs → the files they produced."""

import secrets
import string

from django.db import models
from django.utils import timezone

from media_platform.status import ACTIVE_STATUSES, TERMINAL_STATUSES, ProcessStatus

ALPHABET = string.ascii_letters + string.digits + "_-"


def new_public_id() -> str:
    """21 URL-safe characters, like the request API's process ids."""
    return "".join(secrets.choice(ALPHABET) for _ in range(21))


STATUS_CHOICES = [(s.value, s.value.replace("_", " ").title()) for s in ProcessStatus]


class EncodingProcess(models.Model):
    class Dialect(models.TextChoices):
        BUNNY = "bunny"
        VIDINFRA = "vidinfra"
        TPSTREAMS = "tpstreams"
        SLASHED = "slashed"
        NUXEO = "nuxeo"
        ADMIN = "admin"
        CLI = "cli"

    class Priority(models.TextChoices):
        HIGH = "high"
        DEFAULT = "default"
        LOW = "low"

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    library = models.ForeignKey("media_platform.Library", on_delete=models.CASCADE, related_name="processes")
    video = models.ForeignKey(
        "media_platform.Video", null=True, blank=True, on_delete=models.SET_NULL, related_name="processes"
    )
    dialect = models.CharField(max_length=20, choices=Dialect.choices, default=Dialect.BUNNY)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=ProcessStatus.RECEIVED, db_index=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.DEFAULT)
    # Where the source is: {"kind": "storage", "name": …} | {"kind": "url", …} | {"kind": "s3", …}.
    source = models.JSONField(default=dict)
    # Where outputs go: {"kind": "storage", "prefix": …} | {"kind": "s3", …}; jobs write under it.
    destination = models.JSONField(default=dict)
    # Jobs decided only once the source is probed (a bunny ladder): {"name": "bunny_video"}.
    recipe = models.JSONField(null=True, blank=True)
    request = models.JSONField(default=dict, blank=True, help_text="The dialect's request, secrets masked")
    source_info = models.JSONField(null=True, blank=True)
    progress = models.FloatField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    # Bumped by every retry: a new generation owes its webhooks afresh.
    generation = models.PositiveIntegerField(default=0)
    # The lease of the worker running it; a worker that lost its lease stops and publishes nothing.
    claim_token = models.CharField(max_length=40, blank=True, default="")
    fail_message = models.TextField(blank=True, default="")
    error_code = models.CharField(max_length=50, blank=True, default="")
    rq_job_id = models.CharField(max_length=100, blank=True, default="")
    worker_name = models.CharField(max_length=200, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    command = models.TextField(blank=True, default="", help_text="The ffmpeg command line that ran")
    log_tail = models.TextField(blank=True, default="")
    callback_url = models.URLField(max_length=2000, blank=True, default="")
    callback_headers_encrypted = models.TextField(blank=True, default="")
    client_metadata = models.JSONField(null=True, blank=True)
    encoded_seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    download_finished_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "encoding processes"
        indexes = [
            models.Index(fields=["library", "status"]),
            models.Index(fields=["status", "heartbeat_at"]),
            models.Index(fields=["video", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.status})"

    @property
    def is_done(self) -> bool:
        return self.status in TERMINAL_STATUSES

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def queue_name(self) -> str:
        return self.priority


class EncodingJob(models.Model):
    process = models.ForeignKey(EncodingProcess, on_delete=models.CASCADE, related_name="jobs")
    index = models.PositiveIntegerField()
    kind = models.CharField(max_length=30)
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    spec = models.JSONField()
    # Where this job's files go when not to the process's destination (vidinfra names one per format).
    destination = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=ProcessStatus.ENQUEUED)
    allow_soft_fail = models.BooleanField(default=False)
    progress = models.FloatField(default=0)
    error_message = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_upload_at = models.DateTimeField(null=True, blank=True)
    finished_upload_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["process", "index"]
        constraints = [models.UniqueConstraint(fields=["process", "index"], name="job_unique_index")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.index}"


class EncodingOutput(models.Model):
    """A file a job produced that a client would ask about (playlists, MP4s, images)."""

    job = models.ForeignKey(EncodingJob, on_delete=models.CASCADE, related_name="outputs")
    path = models.CharField(max_length=1000, help_text="Relative to the process's destination")
    role = models.CharField(max_length=20)
    rendition = models.CharField(max_length=20, blank=True, default="")
    size = models.BigIntegerField(default=0, help_text="Bytes, with segments for playlists")
    width = models.IntegerField(null=True, blank=True)
    height = models.IntegerField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True)
    video_codec = models.CharField(max_length=30, blank=True, default="")
    audio_codec = models.CharField(max_length=30, blank=True, default="")
    bit_rate = models.BigIntegerField(null=True, blank=True)
    fps = models.FloatField(null=True, blank=True)
    vmaf = models.FloatField(
        null=True, blank=True, help_text="VMAF achieved (0-100), for outputs encoded to a VMAF target"
    )
    md5 = models.CharField(max_length=32, blank=True, default="")
    sha1 = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["job", "path"]

    def __str__(self) -> str:
        return self.path


class EncodingChunk(models.Model):
    """A piece of a long process's timeline (or its sound), run by whichever worker takes it."""

    class Kind(models.TextChoices):
        VIDEO = "video"
        AUDIO = "audio"

    process = models.ForeignKey(EncodingProcess, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.VIDEO)
    start = models.FloatField(help_text="Source seconds")
    end = models.FloatField()
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=ProcessStatus.ENQUEUED, db_index=True)
    progress = models.FloatField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    claim_token = models.CharField(max_length=40, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker_name = models.CharField(max_length=200, blank=True, default="")
    rq_job_id = models.CharField(max_length=100, blank=True, default="")
    error_message = models.TextField(blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["process", "index"]
        constraints = [models.UniqueConstraint(fields=["process", "index"], name="chunk_unique_index")]

    def __str__(self) -> str:
        return f"{self.kind} {self.start:g}–{self.end:g} s"

    @property
    def weight(self) -> float:
        """Share of the work: the sound costs a small fraction of the picture."""
        return (self.end - self.start) * (0.05 if self.kind == self.Kind.AUDIO else 1.0)

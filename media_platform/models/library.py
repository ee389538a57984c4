from django.db import models

from media_platform.engine.ladder import DEFAULT_ENABLED


class Library(models.Model):
    """A video library: its own videos, collections, API keys and encoding settings.

    Keys are looked up by their SHA-256 hashes; the clear key is shown once, when made. The webhook
    signing secret must be read back to sign, and so must the API key to check bunny's presigned
    (TUS) upload signatures, SHA-256(library id + API key + expiry + video id): both are also kept
    encrypted (crypto.py), never in the clear.
    """

    name = models.CharField(max_length=200)
    api_key_hash = models.CharField(max_length=64, unique=True, editable=False)
    api_key_hint = models.CharField(max_length=8, blank=True, editable=False)
    # Empty for keys made before presigned uploads: the first request that shows the key fills it.
    api_key_encrypted = models.TextField(blank=True, default="", editable=False)
    read_only_api_key_hash = models.CharField(max_length=64, unique=True, editable=False)
    read_only_api_key_hint = models.CharField(max_length=8, blank=True, editable=False)
    webhook_url = models.URLField(max_length=2000, blank=True)
    webhook_secret_encrypted = models.TextField(blank=True, editable=False)
    enabled_resolutions = models.CharField(
        max_length=200,
        default=",".join(DEFAULT_ENABLED),
        help_text="Comma-separated: 240p,360p,480p,720p,1080p,1440p,2160p",
    )
    mp4_fallback = models.BooleanField(default=False, help_text="Also write play_{resolution}.mp4 up to 720p.")
    auto_captions = models.BooleanField(
        default=False,
        help_text="Transcribe each video's speech (speech to text) into captions in the language heard.",
    )
    keep_original = models.BooleanField(default=True)
    encrypt_hls = models.BooleanField(
        default=False,
        help_text="Encrypt the HLS segments (AES-128), a new key per encode; players fetch it from the platform.",
    )
    sign_key_requests = models.BooleanField(
        default=False,
        help_text="Serve AES-128 content keys only to signed, expiring key URLs (the playlists this "
        "platform serves carry them).",
    )
    jit_encoding_enabled = models.BooleanField(
        default=False,
        help_text="Make new uploads playable in seconds: segments are encoded when first watched, while the "
        "whole ladder is encoded in the background (costs CPU on first views). An upload's jitEnabled overrides it.",
    )
    output_codecs = models.CharField(max_length=50, default="x264")
    max_concurrent_processes = models.PositiveIntegerField(
        default=20, help_text="Processes that may run at once; more are refused with 409."
    )
    requests_per_minute = models.PositiveIntegerField(
        default=600, help_text="API requests a minute before 429; 0 for no limit."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "libraries"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} (#{self.pk})"


class LibraryContentVersion(models.Model):
    """How many times anything a library's video list shows has changed: a video, its captions or
    transcoding messages, a collection, the library itself. Database triggers count it, at commit,
    whatever code wrote (services, the pipeline's updates, the admin, raw SQL), so a rendered page
    kept under one version is known stale by the next request. No foreign key: the count may
    outlive its library for a moment at deletion, and must never block it."""

    library_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"library {self.library_id}: version {self.version}"

"""Files a client attaches to a video: captions and custom thumbnails. They live beside the
outputs (videos/<guid>/assets/) so a reencode, which replaces the outputs, keeps them."""

from __future__ import annotations

import subprocess
import tempfile
import time

from django.conf import settings
from django.db import transaction

from media_platform.engine.captions import language_name, to_webvtt
from media_platform.models import Caption, Video
from media_platform.services.queueing import enqueue_on_commit
from media_platform.storage import save_bytes

MAX_THUMBNAIL_BYTES = 10 * 1024 * 1024


class InvalidImage(ValueError):
    pass


def assets_prefix(video: Video) -> str:
    return f"videos/{video.guid}/assets"


@transaction.atomic
def caption_add(*, video: Video, srclang: str, label: str | None, data: bytes) -> Caption:
    text = to_webvtt(data)  # CaptionError for anything that is not WebVTT or SRT
    name = f"{assets_prefix(video)}/captions/{srclang}.vtt"
    save_bytes(name, text.encode())
    caption, created = Caption.objects.get_or_create(
        video=video, srclang=srclang, defaults={"label": label or srclang, "file_name": name}
    )
    if not created:
        caption.label = label or caption.label
        caption.version += 1
        caption.file_name = name
        caption.save()
    return caption


AUTO_SUFFIX = " (auto)"


def auto_caption_label(language: str) -> str:
    """What players show for captions made by speech to text: "English (auto)"."""
    return f"{language_name(language)}{AUTO_SUFFIX}"


@transaction.atomic
def caption_generated_add(*, video: Video, srclang: str, text: str) -> Caption | None:
    """Captions made by speech to text, as the video's captions for `srclang`. Captions a client
    uploaded for that language are kept (None returned); earlier generated ones are replaced."""
    current = Caption.objects.filter(video=video, srclang=srclang).first()
    if current is not None and not (current.label or "").endswith(AUTO_SUFFIX):
        return None
    return caption_add(video=video, srclang=srclang, label=auto_caption_label(srclang), data=text.encode())


@transaction.atomic
def caption_delete(*, caption: Caption) -> None:
    name = caption.file_name
    caption.delete()
    enqueue_on_commit("low", "media_platform.jobs.maintenance.delete_file", name)


def image_extension(data: bytes) -> str:
    """Check with ffprobe that the bytes are a still image; returns the file extension to use."""
    if not data or len(data) > MAX_THUMBNAIL_BYTES:
        raise InvalidImage("The thumbnail must be an image of at most 10 MB.")
    with tempfile.NamedTemporaryFile(suffix=".img") as handle:
        handle.write(data)
        handle.flush()
        result = subprocess.run(
            [
                settings.FFPROBE_BINARY,
                "-v",
                "error",
                "-show_entries",
                "stream=codec_name",
                "-of",
                "csv=p=0",
                handle.name,
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    codec = result.stdout.strip().splitlines()[0] if result.returncode == 0 and result.stdout.strip() else ""
    extensions = {"mjpeg": "jpg", "png": "png", "webp": "webp", "gif": "gif"}
    if codec not in extensions:
        raise InvalidImage("The thumbnail is not a JPEG, PNG, WebP or GIF image.")
    return extensions[codec]


@transaction.atomic
def thumbnail_set(*, video: Video, data: bytes) -> Video:
    extension = image_extension(data)
    file_name = f"thumbnail_{int(time.time() * 1000)}.{extension}"
    save_bytes(f"{assets_prefix(video)}/{file_name}", data)
    video.thumbnail_file_name = file_name
    video.thumbnail_count = max(video.thumbnail_count, 1)
    video.save(update_fields=["thumbnail_file_name", "thumbnail_count", "updated_at"])
    return video

"""Videos: create, update, delete, upload, fetch, reencode."""

from __future__ import annotations

import json
import uuid
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from media_platform.crypto import encrypt
from media_platform.engine.issues import Issue, IssueCode, Severity
from media_platform.models import Collection, EncodingProcess, Library, TranscodingMessage, Video
from media_platform.services.pipeline import encoding_process_cancel, encoding_process_create
from media_platform.services.pipeline.faults import EnvironmentFault, InputError
from media_platform.services.pipeline.source import download
from media_platform.services.queueing import ENVIRONMENT_RETRY, enqueue_on_commit
from media_platform.status import ACTIVE_STATUSES, VideoStatus
from media_platform.storage import StoredFile, UploadTooLarge, exists, save_stream, workspace

DELETE_PREFIX = "media_platform.jobs.maintenance.delete_prefix"
FETCH = "media_platform.jobs.ingest.fetch_video"
UNSET = object()


class OriginalMissing(Exception):
    pass


class UploadFailed(Exception):
    pass


@transaction.atomic
def video_create(
    *, library: Library, title: str, collection: Collection | None = None, thumbnail_time: int | None = None
) -> Video:
    return Video.objects.create(library=library, title=title, collection=collection, thumbnail_time=thumbnail_time)


@transaction.atomic
def video_update(
    *,
    video: Video,
    title: str | None = None,
    collection=UNSET,
    chapters: list | None = None,
    moments: list | None = None,
    meta_tags: list | None = None,
) -> Video:
    fields = {"title": title, "chapters": chapters, "moments": moments, "meta_tags": meta_tags}
    for name, value in fields.items():
        if value is not None:
            setattr(video, name, value)
    if collection is not UNSET:
        video.collection = collection
    video.save()
    return video


@transaction.atomic
def video_delete(*, video: Video) -> None:
    """Stops its encoding, removes the row now and its files right after."""
    for process in video.processes.filter(status__in=ACTIVE_STATUSES):
        encoding_process_cancel(process=process)
    prefixes = [f"videos/{video.guid}", f"originals/{video.library_id}/{video.guid}"]
    video.delete()
    for prefix in prefixes:
        enqueue_on_commit("low", DELETE_PREFIX, prefix)


def original_name(video: Video) -> str:
    # A new name per upload: a failed re-upload never touches the original already there.
    return f"originals/{video.library_id}/{video.guid}/{uuid.uuid4().hex}"


def video_upload(
    *,
    video: Video,
    stream: BinaryIO,
    content_length: int | None = None,
    resolutions: list[str] | None = None,
    output_codecs: list[str] | None = None,
    jit_enabled: bool | None = None,
) -> Video:
    """Stream the body into storage (hashing it), then start encoding it. `jit_enabled` (bunny's
    jitEnabled) overrides the library's JIT setting for this upload; the caller then calls
    services.jit.jit_prepare, after this transaction."""
    name = original_name(video)
    try:
        stored = save_stream(name, stream, max_bytes=settings.MAX_UPLOAD_BYTES)
    except UploadTooLarge as exc:
        _upload_failed(video, f"The upload is larger than the {settings.MAX_UPLOAD_BYTES}-byte limit.")
        raise UploadFailed(str(exc)) from exc
    except OSError as exc:
        _upload_failed(video, f"The upload was interrupted: {exc}")
        raise UploadFailed(str(exc)) from exc
    if content_length is not None and stored.size != content_length:
        _upload_failed(video, f"The upload ended after {stored.size} of {content_length} bytes.")
        enqueue_on_commit("low", DELETE_PREFIX, name)
        raise UploadFailed("incomplete upload")
    return video_original_stored(
        video=video, stored=stored, resolutions=resolutions, output_codecs=output_codecs, jit_enabled=jit_enabled
    )


@transaction.atomic
def video_original_stored(
    *,
    video: Video,
    stored: StoredFile,
    resolutions: list[str] | None = None,
    output_codecs: list[str] | None = None,
    jit_enabled: bool | None = None,
) -> Video:
    previous = video.original_name
    video.jit_encoding_enabled = video.library.jit_encoding_enabled if jit_enabled is None else jit_enabled
    video.original_name = stored.name
    video.original_size = stored.size
    video.original_hash = stored.sha256
    video.has_original = True
    video.storage_size = stored.size
    video.save()
    if previous and previous != stored.name:
        enqueue_on_commit("low", "media_platform.jobs.maintenance.delete_file", previous)
    video_encode(video=video, resolutions=resolutions, output_codecs=output_codecs)
    return video


def video_upload_failed(*, video: Video, message: str) -> None:
    """An upload that will not become the original (a resumable one abandoned or broken): the video
    says why, and is UploadFailed while it has no original."""
    _upload_failed(video, message)


def _upload_failed(video: Video, message: str) -> None:
    with transaction.atomic():
        if not video.has_original:
            Video.objects.filter(pk=video.pk).update(status=VideoStatus.UPLOAD_FAILED)
            video.status = VideoStatus.UPLOAD_FAILED
        TranscodingMessage.objects.create(
            video=video, level=Severity.ERROR, issue_code=IssueCode.ORIGINAL_CORRUPTED, message=message
        )


@transaction.atomic
def video_encode(
    *, video: Video, resolutions: list[str] | None = None, output_codecs: list[str] | None = None
) -> EncodingProcess:
    """A new process over the stored original; an older one still running is cancelled."""
    for process in video.processes.filter(status__in=ACTIVE_STATUSES):
        encoding_process_cancel(process=process)
    recipe: dict = {"name": "bunny_video"}
    if resolutions:
        recipe["resolutions"] = resolutions
    if output_codecs:
        recipe["output_codecs"] = output_codecs
    return encoding_process_create(
        library=video.library,
        video=video,
        source={"kind": "storage", "name": video.original_name},
        destination={"kind": "video"},
        recipe=recipe,
        dialect=EncodingProcess.Dialect.BUNNY,
    )


def video_reencode(*, video: Video, output_codecs: list[str] | None = None) -> EncodingProcess:
    if not video.has_original or not exists(video.original_name):
        raise OriginalMissing()
    return video_encode(video=video, output_codecs=output_codecs)


@transaction.atomic
def video_fetch(
    *,
    library: Library,
    url: str,
    headers: dict | None = None,
    title: str | None = None,
    collection: Collection | None = None,
    thumbnail_time: int | None = None,
) -> Video:
    title = title or url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0] or "Untitled"
    video = video_create(library=library, title=title, collection=collection, thumbnail_time=thumbnail_time)
    # The URL and headers may carry credentials: they wait in Redis encrypted.
    secret = encrypt(json.dumps({"url": url, "headers": headers or {}}))
    enqueue_on_commit("default", FETCH, video.pk, secret, retry=ENVIRONMENT_RETRY)
    return video


def video_fetch_failed(*, video: Video, issue: Issue) -> None:
    with transaction.atomic():
        Video.objects.filter(pk=video.pk).update(status=VideoStatus.UPLOAD_FAILED, updated_at=timezone.now())
        TranscodingMessage.objects.create(video=video, level=issue.level, issue_code=issue.code, message=issue.message)


def fetch_issue(message: str) -> Issue:
    return Issue(Severity.ERROR, IssueCode.ORIGINAL_CORRUPTED, message)


def video_fetch_run(*, video: Video, url: str, headers: dict, retries_left: int = 0) -> None:
    """Download a fetched video's source into storage, then encode it like an upload."""
    try:
        with workspace(f"fetch-{video.guid}") as work:
            target = work / "source"
            download(url, target, headers=headers)
            with open(target, "rb") as handle:
                stored = save_stream(original_name(video), handle)
    except InputError as exc:
        video_fetch_failed(video=video, issue=exc.issue)
        return
    except (EnvironmentFault, OSError) as exc:
        if retries_left <= 0:
            video_fetch_failed(video=video, issue=fetch_issue(f"Fetching the source failed: {exc}"))
            return
        raise
    video_original_stored(video=video, stored=stored)
    from media_platform.services.jit import jit_prepare  # (jit imports the pipeline, which imports this)

    jit_prepare(video=video)


@transaction.atomic
def video_outputs_delete(*, video: Video) -> None:
    """Remove a video's published outputs (not its original, captions or custom thumbnail):
    it stops being playable and waits, Uploaded, to be encoded again."""
    for process in video.processes.filter(status__in=ACTIVE_STATUSES):
        encoding_process_cancel(process=process)
    prefix = video.outputs_prefix
    video.outputs_prefix = ""
    video.available_resolutions = ""
    video.has_mp4_fallback = False
    video.encode_progress = 0
    video.storage_size = video.original_size
    video.status = VideoStatus.UPLOADED if video.has_original else VideoStatus.CREATED
    if not (video.thumbnail_file_name or "").startswith("thumbnail_"):
        video.thumbnail_file_name, video.thumbnail_count = None, 0
    video.save()
    if prefix:
        enqueue_on_commit("low", DELETE_PREFIX, prefix)

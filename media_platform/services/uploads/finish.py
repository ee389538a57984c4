"""The end of an upload: its bytes become the video's original (in the web process that received
the last byte, right after answering it; else in a worker), or it is terminated by the client, or
it fails or is abandoned and its bytes are removed."""

from __future__ import annotations

import logging
from datetime import timedelta

import django_rq
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from media_platform.models import TusUpload, Video
from media_platform.services.jit import jit_prepare
from media_platform.services.queueing import ENVIRONMENT_RETRY, enqueue, enqueue_on_commit
from media_platform.services.videos import video_original_stored, video_upload_failed
from media_platform.status import BunnyWebhookStatus
from media_platform.storage import StoredFile
from media_platform.storage.resumable import MissingBytes, Segment, assemble

from .append import FINISH
from .notify import notify_upload

DISCARD = "media_platform.jobs.uploads.discard_tus_bytes"
DELETE_FILE = "media_platform.jobs.maintenance.delete_file"
# A complete upload not stored after this long lost its job (Redis restarted): the sweep sends another.
STALE_COMPLETE = timedelta(minutes=10)
State = TusUpload.State
logger = logging.getLogger(__name__)


def tus_upload_finish(*, upload_id: str) -> None:
    """Join the bytes into the original and start encoding it, as a PUT does. Safe to run twice."""
    lock = django_rq.get_connection("default").lock(f"media-platform:tus-finish:{upload_id}", timeout=3600)
    if not lock.acquire(blocking=False):
        return  # another worker is on it
    try:
        upload = TusUpload.objects.filter(pk=upload_id, state=State.COMPLETE).first()
        if upload is None:
            return  # stored already, terminated or expired
        segments = [Segment(s.name, s.offset, s.size) for s in upload.segments.all()]
        try:
            stored = assemble(upload.target_name, upload.length, segments)
        except MissingBytes as exc:
            tus_upload_fail(upload=upload, message=f"The upload could not be put together: {exc}.")
            return
        video = _stored(upload, stored)
        if video is not None:
            jit_prepare(video=video)  # after the commit, as bunny's PUT does: JIT playlists or fast start
    finally:
        try:
            lock.release()
        except Exception:  # held past its timeout: nothing left to release
            pass


def tus_upload_finish_here(*, upload_id: str) -> None:
    """The finish in the web process that received the last byte. It never fails the request it
    follows: whatever goes wrong (Redis or storage down) is left to the finishing job and the sweep."""
    try:
        tus_upload_finish(upload_id=upload_id)
    except Exception:
        logger.warning("Upload %s was not finished here; its job or the sweep will finish it", upload_id, exc_info=True)


@transaction.atomic
def _stored(upload: TusUpload, stored: StoredFile) -> Video | None:
    moved = TusUpload.objects.filter(pk=upload.pk, state=State.COMPLETE).update(
        state=State.STORED, updated_at=timezone.now()
    )
    video = Video.objects.filter(pk=upload.video_id).first()
    if not moved or video is None:  # terminated (or the video deleted) while it was being joined
        enqueue_on_commit("low", DELETE_FILE, stored.name)
        return None
    notify_upload(upload, BunnyWebhookStatus.PRESIGNED_UPLOAD_FINISHED)  # before the encode's own (Queued)
    video_original_stored(video=video, stored=stored)
    enqueue_on_commit("low", DISCARD, upload.target_name)  # S3 segments; nothing is left locally
    return video


@transaction.atomic
def tus_upload_fail(*, upload: TusUpload, message: str, state: str = State.FAILED) -> None:
    """The upload will not become the original: the video says why, its bytes go."""
    moved = TusUpload.objects.filter(pk=upload.pk, state__in=[State.RECEIVING, State.COMPLETE]).update(
        state=state, updated_at=timezone.now()
    )
    if not moved:
        return
    video_upload_failed(video=upload.video, message=message)
    notify_upload(upload, BunnyWebhookStatus.PRESIGNED_UPLOAD_FAILED)
    enqueue_on_commit("low", DISCARD, upload.target_name)


@transaction.atomic
def tus_upload_terminate(*, upload: TusUpload) -> None:
    """The client's DELETE: the upload is gone (404 from now on) and so are its unstored bytes.
    An upload already stored leaves the video's original alone."""
    if upload.state in (State.RECEIVING, State.COMPLETE):
        notify_upload(upload, BunnyWebhookStatus.PRESIGNED_UPLOAD_FAILED)
    if upload.state != State.STORED:
        enqueue_on_commit("low", DISCARD, upload.target_name)
    TusUpload.objects.filter(pk=upload.pk).delete()


def tus_uploads_sweep() -> dict[str, int]:
    """The periodic clean-up: abandoned uploads expire (bytes removed, webhook 8), complete ones
    whose job was lost get another, and the records of ended ones go after one more period."""
    now = timezone.now()
    expired = TusUpload.objects.filter(state__in=[State.RECEIVING, State.COMPLETE], expires_at__lte=now)
    counts = {"expired": 0, "restarted": 0, "forgotten": 0}
    for upload in expired.select_related("library", "video"):
        hours = settings.TUS_UPLOAD_EXPIRY / 3600
        why = (
            f"The resumable upload was abandoned: nothing arrived for {hours:g} h."
            if upload.state == State.RECEIVING
            else "The resumable upload could not be stored before it expired."
        )
        tus_upload_fail(upload=upload, message=why, state=State.EXPIRED)
        counts["expired"] += 1
    for pk in TusUpload.objects.filter(state=State.COMPLETE, updated_at__lte=now - STALE_COMPLETE).values_list(
        "pk", flat=True
    ):
        enqueue("default", FINISH, str(pk), retry=ENVIRONMENT_RETRY)
        counts["restarted"] += 1
    ended = [State.STORED, State.EXPIRED, State.FAILED]
    old = now - timedelta(seconds=settings.TUS_UPLOAD_EXPIRY)
    counts["forgotten"], _ = TusUpload.objects.filter(state__in=ended, updated_at__lte=old).delete()
    return counts

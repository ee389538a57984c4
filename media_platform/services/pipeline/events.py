"""Apply an engine event: the process's status, its video's status and the webhooks owed,
all from the one table in media_platform.status, in one transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from media_platform.models import EncodingProcess, PlaybackPlan, Video
from media_platform.status import END_EVENTS, TERMINAL_STATUSES, Event, VideoStatus, row

from .notify import notify

# A video already playable from a playback plan (JIT: 8, a fast-start rendition: 3) keeps its
# status while its ladder is queued and encoded; only the ladder's end changes it.
KEPT_WHILE_PLAYABLE = {Event.QUEUED, Event.STARTED, Event.ENCODING}


@transaction.atomic
def process_event(process: EncodingProcess, event: Event, *, fail_message: str = "", error_code: str = "") -> bool:
    """Returns False (and changes nothing) when the process already ended: a late event from a
    worker that lost its lease must not reopen it."""
    target = row(event)
    now = timezone.now()
    updates: dict = {"status": target.process, "updated_at": now}
    if event == Event.STARTED:
        updates["started_at"] = now
    if event in END_EVENTS:
        updates["finished_at"] = now
        updates["fail_message"] = fail_message
        updates["error_code"] = error_code
        if event in (Event.FINISHED, Event.PARTIALLY_FAILED):
            updates["progress"] = 100.0
    if event == Event.QUEUED:
        updates.update(progress=0.0, fail_message="", error_code="", finished_at=None)
    changed = EncodingProcess.objects.filter(pk=process.pk).exclude(status__in=TERMINAL_STATUSES).update(**updates)
    if not changed and event != Event.QUEUED:
        return False
    if not changed:  # QUEUED reopens a finished process: a retry
        EncodingProcess.objects.filter(pk=process.pk).update(**updates)
    for field, value in updates.items():
        setattr(process, field, value)
    if process.video_id and target.video is not None:
        _update_video(process, event, target.video)
    notify(process, event)
    return True


def _update_video(process: EncodingProcess, event: Event, status: VideoStatus) -> None:
    assert process.video_id is not None
    updates: dict = {"status": status}
    if event in KEPT_WHILE_PLAYABLE and playable_early(process.video_id):
        del updates["status"]
    if event == Event.QUEUED:
        updates["encode_progress"] = 0
    elif event in (Event.FINISHED, Event.PARTIALLY_FAILED):
        updates["encode_progress"] = 100
    # A process that is no longer the video's newest (superseded by a reencode) says nothing.
    newest = (
        EncodingProcess.objects.filter(video_id=process.video_id)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if newest == process.pk and updates:
        Video.objects.filter(pk=process.video_id).update(**updates)


def playable_early(video_id: int) -> bool:
    return PlaybackPlan.objects.filter(video_id=video_id, status=PlaybackPlan.Status.ACTIVE).exists()

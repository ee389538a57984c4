"""Small HTML pieces the admin pages share: status badges, progress bars, sizes, durations.

The badge and bar carry data-mp-* attributes so static/media_platform/progress.js can update
them in place from the pages' progress endpoints.
"""

from __future__ import annotations

from datetime import datetime

from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html

from media_platform.status import ACTIVE_STATUSES, BulkState, ProcessStatus, VideoStatus

VIDEO_TONES = {
    VideoStatus.CREATED: "idle",
    VideoStatus.UPLOADED: "queued",
    VideoStatus.PROCESSING: "active",
    VideoStatus.TRANSCODING: "active",
    VideoStatus.FINISHED: "done",
    VideoStatus.ERROR: "error",
    VideoStatus.UPLOAD_FAILED: "error",
    VideoStatus.JIT_SEGMENTING: "active",
    VideoStatus.JIT_PLAYLISTS_CREATED: "done",
}
# Playable already (JIT) while the ladder is encoded: the bar shows the ladder's progress.
ACTIVE_VIDEO = frozenset(
    {
        VideoStatus.UPLOADED,
        VideoStatus.PROCESSING,
        VideoStatus.TRANSCODING,
        VideoStatus.JIT_SEGMENTING,
        VideoStatus.JIT_PLAYLISTS_CREATED,
    }
)
LABELS = {VideoStatus.JIT_SEGMENTING: "JIT segmenting", VideoStatus.JIT_PLAYLISTS_CREATED: "JIT playable"}

PROCESS_TONES = {
    ProcessStatus.RECEIVED: "idle",
    ProcessStatus.VALIDATING: "queued",
    ProcessStatus.ENQUEUED: "queued",
    ProcessStatus.PROCESSING: "active",
    ProcessStatus.FINISHED: "done",
    ProcessStatus.PARTIALLY_FAILED: "warn",
    ProcessStatus.FAILED: "error",
    ProcessStatus.REJECTED: "error",
    ProcessStatus.CANCELLED: "idle",
}

BULK_TONES = {
    BulkState.SCHEDULED: "queued",
    BulkState.RUNNING: "active",
    BulkState.COMPLETED: "done",
    BulkState.ABORTED: "idle",
}


def video_label(status: int) -> str:
    try:
        return LABELS.get(VideoStatus(status)) or VideoStatus(status).name.replace("_", " ").title()
    except ValueError:
        return str(status)


def video_state(status: int, progress: float) -> dict:
    """What a badge and a bar show for a video: the same for the page and for the JSON endpoint."""
    tone = VIDEO_TONES.get(status, "idle")
    return {"label": video_label(status), "tone": tone, "progress": int(progress), "active": status in ACTIVE_VIDEO}


def process_state(status: str, progress: float) -> dict:
    label = status.replace("_", " ").title()
    tone = PROCESS_TONES.get(status, "idle")
    return {"label": label, "tone": tone, "progress": int(progress), "active": status in ACTIVE_STATUSES}


def bulk_state(state: str, processed: int, total: int) -> dict:
    percent = 100 if state == BulkState.COMPLETED else (int(processed * 100 / total) if total else 0)
    active = state in (BulkState.SCHEDULED, BulkState.RUNNING)
    return {"label": state.title(), "tone": BULK_TONES.get(state, "idle"), "progress": percent, "active": active}


def badge(kind: str, pk, state: dict):
    return format_html(
        '<span class="mp-badge mp-tone-{}" data-mp-badge="{}" data-mp-id="{}">{}</span>',
        state["tone"],
        kind,
        pk,
        state["label"],
    )


def bar(kind: str, pk, state: dict, *, always: bool = False):
    """A progress bar; hidden (but present, for the poller) unless the thing is active."""
    hidden = "" if (always or state["active"]) else " hidden"
    value = state["progress"]
    return format_html(
        '<span class="mp-bar" data-mp-bar="{}" data-mp-id="{}" data-progress="{}" role="progressbar"'
        ' aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100"{}>'
        '<span class="mp-bar-fill" style="width: {}%"></span><span class="mp-bar-text">{}%</span></span>',
        kind,
        pk,
        value,
        value,
        hidden,
        value,
        value,
    )


def size(value: int | None) -> str:
    return filesizeformat(value or 0)


def duration(seconds: float | None) -> str:
    if not seconds:
        return "—"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def elapsed(start: datetime | None, end: datetime | None) -> str:
    if not start or not end:
        return "—"
    if end < start:
        return "—"
    seconds = (end - start).total_seconds()
    return f"{seconds:.1f} s" if seconds < 60 else duration(seconds)

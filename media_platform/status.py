"""The status machines of the engine and of each dialect, and the one table between them.

Processes follow the request API's statuses, videos follow bunny's VideoModelStatus, bulk
commands follow Nuxeo. An engine *event* (a step in a process's life) decides all of them at
once, so no dialect keeps its own idea of where a process is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class VideoStatus(IntEnum):
    CREATED = 0
    UPLOADED = 1
    PROCESSING = 2
    TRANSCODING = 3
    FINISHED = 4
    ERROR = 5
    UPLOAD_FAILED = 6
    JIT_SEGMENTING = 7
    JIT_PLAYLISTS_CREATED = 8


class ProcessStatus(StrEnum):
    RECEIVED = "RECEIVED"
    VALIDATING = "VALIDATING"
    ENQUEUED = "ENQUEUED"
    PROCESSING = "PROCESSING"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    PARTIALLY_FAILED = "PARTIALLY_FAILED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"


TERMINAL_STATUSES = frozenset(
    {
        ProcessStatus.FINISHED,
        ProcessStatus.FAILED,
        ProcessStatus.PARTIALLY_FAILED,
        ProcessStatus.REJECTED,
        ProcessStatus.CANCELLED,
    }
)
ACTIVE_STATUSES = frozenset(
    {ProcessStatus.RECEIVED, ProcessStatus.VALIDATING, ProcessStatus.ENQUEUED, ProcessStatus.PROCESSING}
)


class BulkState(StrEnum):
    SCHEDULED = "SCHEDULED"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    ABORTED = "ABORTED"


class BunnyWebhookStatus(IntEnum):
    """The codes bunny sends in webhooks; they are not the VideoModel's status numbers."""

    QUEUED = 0
    PROCESSING = 1
    ENCODING = 2
    FINISHED = 3
    RESOLUTION_FINISHED = 4
    FAILED = 5
    PRESIGNED_UPLOAD_STARTED = 6
    PRESIGNED_UPLOAD_FINISHED = 7
    PRESIGNED_UPLOAD_FAILED = 8
    CAPTIONS_GENERATED = 9
    TITLE_OR_DESCRIPTION_GENERATED = 10


class Event(StrEnum):
    RECEIVED = "received"
    VALIDATING = "validating"
    QUEUED = "queued"
    STARTED = "started"  # a worker took it: fetching and probing the source
    ENCODING = "encoding"  # ffmpeg is running
    FINISHED = "finished"
    PARTIALLY_FAILED = "partially_failed"
    FAILED = "failed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Row:
    process: ProcessStatus
    video: VideoStatus | None  # None: leave the video as it is
    bunny_webhook: BunnyWebhookStatus | None


TABLE: dict[Event, Row] = {
    Event.RECEIVED: Row(ProcessStatus.RECEIVED, None, None),
    Event.VALIDATING: Row(ProcessStatus.VALIDATING, None, None),
    Event.QUEUED: Row(ProcessStatus.ENQUEUED, VideoStatus.UPLOADED, BunnyWebhookStatus.QUEUED),
    Event.STARTED: Row(ProcessStatus.PROCESSING, VideoStatus.PROCESSING, BunnyWebhookStatus.PROCESSING),
    Event.ENCODING: Row(ProcessStatus.PROCESSING, VideoStatus.TRANSCODING, BunnyWebhookStatus.ENCODING),
    Event.FINISHED: Row(ProcessStatus.FINISHED, VideoStatus.FINISHED, BunnyWebhookStatus.FINISHED),
    Event.PARTIALLY_FAILED: Row(ProcessStatus.PARTIALLY_FAILED, VideoStatus.FINISHED, BunnyWebhookStatus.FINISHED),
    Event.FAILED: Row(ProcessStatus.FAILED, VideoStatus.ERROR, BunnyWebhookStatus.FAILED),
    Event.REJECTED: Row(ProcessStatus.REJECTED, VideoStatus.ERROR, BunnyWebhookStatus.FAILED),
    Event.CANCELLED: Row(ProcessStatus.CANCELLED, None, None),
}


def row(event: Event) -> Row:
    return TABLE[event]


# Every way a process ends.
END_EVENTS = frozenset({Event.FINISHED, Event.PARTIALLY_FAILED, Event.FAILED, Event.REJECTED, Event.CANCELLED})
# The events that begin a stage of a process as a client sees it: queued, taken by a worker,
# ended. RECEIVED and VALIDATING come before it is queued; ENCODING happens within the started stage.
STAGE_EVENTS = frozenset({Event.QUEUED, Event.STARTED}) | END_EVENTS

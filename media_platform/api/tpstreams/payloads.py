"""TPStreams' transcoding job, as its API answers and its organisation webhook sends it.

Pure: plain facts in (read from the process row by presenters.job_facts), the service's JSON out,
key for key in the order its documentation shows them. The API and the webhook both write it
here, so they cannot drift apart.

STATUS below is the one table from the engine's process statuses to TPStreams' words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from media_platform.status import ProcessStatus

QUEUED, TRANSCODING, COMPLETED, ERROR, CANCELLED = "Queued", "transcoding", "completed", "error", "cancelled"

STATUS: dict[ProcessStatus, str] = {
    ProcessStatus.RECEIVED: QUEUED,
    ProcessStatus.VALIDATING: QUEUED,
    ProcessStatus.ENQUEUED: QUEUED,
    ProcessStatus.PROCESSING: TRANSCODING,
    ProcessStatus.FINISHED: COMPLETED,
    # The ladder and the thumbnail are published; nothing a TPStreams client asked for is missing.
    ProcessStatus.PARTIALLY_FAILED: COMPLETED,
    ProcessStatus.FAILED: ERROR,
    ProcessStatus.REJECTED: ERROR,
    ProcessStatus.CANCELLED: CANCELLED,
}
DEFAULT_ERRORS = {ERROR: "Transcoding failed", CANCELLED: "Cancelled"}


def status_word(status: str) -> str:
    return STATUS[ProcessStatus(status)]


def statuses_for(word: str) -> list[ProcessStatus]:
    """The process statuses a TPStreams word stands for (any case: the list filter says `queued`)."""
    return [status for status, shown in STATUS.items() if shown.lower() == word.strip().lower()]


@dataclass(frozen=True)
class JobFacts:
    id: str
    resolutions: tuple[str, ...]
    duration: float | None  # the probed source's, None until probed
    status: str  # a ProcessStatus value
    input_url: str  # what the client sent as its input (input_url or input_path), credentials masked
    input_path: str | None  # set when the client sent input_path
    output_path: str  # credentials masked
    started_at: datetime | None
    finished_at: datetime | None
    fail_message: str
    client_metadata: Any


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC to the second, as the service's examples show: 2023-11-22T12:30:00Z."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def seconds(value: float | None) -> int | None:
    """Whole seconds, as the service's examples show them (120, 300)."""
    return None if value is None else int(round(value))


def job_payload(job: JobFacts) -> dict[str, Any]:
    word = status_word(job.status)
    body: dict[str, Any] = {
        "id": job.id,
        "resolutions": list(job.resolutions),
        "video_duration": seconds(job.duration),
        "status": word,
        "input_url": job.input_url,
    }
    if job.input_path is not None:
        body["input_path"] = job.input_path
    body.update(
        output_path=job.output_path,
        # A queued job has not started, even when an earlier attempt had (a retry).
        start_time=timestamp(job.started_at) if word != QUEUED else None,
        end_time=timestamp(job.finished_at),
        error_message=(job.fail_message or DEFAULT_ERRORS[word]) if word in DEFAULT_ERRORS else None,
        client_metadata=job.client_metadata,
    )
    return body

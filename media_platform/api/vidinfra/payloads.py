"""A vidinfra transcoding job as the API's `result` shows it and as `webhook_config` receives it.

Pure: facts in (read from the rows by presenters.job_facts), JSON out. The request
part (video_id, upscale, webhook_config, source, format) is the request as stored at creation,
in the types of the service's example response, S3 credentials masked. Around it: the job's
`id`, `status`, `progress`, `outputs` (per format: its status and the files it wrote), `error`,
`messages` and timestamps.

Status words: vidinfra's lowercase ones, from the engine's process statuses by STATUSES below
(the one table). An API response shows `webhook_config.headers` as the client sent them; a
webhook body masks their values (the same headers travel on the request itself, and the outbox
keeps bodies in the clear).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

STATUSES = {
    "RECEIVED": "queued",
    "VALIDATING": "queued",
    "ENQUEUED": "queued",
    "PROCESSING": "processing",
    "FINISHED": "completed",
    "PARTIALLY_FAILED": "partially_failed",
    "FAILED": "failed",
    "REJECTED": "failed",
    "CANCELLED": "cancelled",
}
PUBLIC_STATUSES = ("queued", "processing", "completed", "partially_failed", "failed", "cancelled")
LEVELS = {0: "undefined", 1: "information", 2: "warning", 3: "error"}
# Roles of engine output files, as a client reads them.
FILE_TYPES = {
    "master": "playlist",
    "variant": "variant_playlist",
    "audio": "audio_playlist",
    "mp4": "video",
    "image": "image",
    "animation": "animation",
    "subtitles": "subtitles",
    "subtitles_playlist": "subtitles_playlist",
}


def public_status(status: str) -> str:
    return STATUSES.get(status, "queued")


def engine_statuses(public: str) -> list[str]:
    """The process statuses a vidinfra status word stands for (to filter lists by it)."""
    return [engine for engine, word in STATUSES.items() if word == public]


@dataclass(frozen=True)
class FileFacts:
    path: str  # the key in the destination bucket, or the path in the library's storage
    bucket: str | None  # None: the library's storage
    role: str
    size: int
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    video_codec: str = ""
    audio_codec: str = ""
    bit_rate: int | None = None


@dataclass(frozen=True)
class FormatFacts:
    index: int
    status: str  # engine status of its jobs, combined
    error: str
    files: tuple[FileFacts, ...]


@dataclass(frozen=True)
class JobFacts:
    id: str
    status: str
    progress: float
    request: dict  # as stored: the request's fields echoed, credentials masked
    headers: dict[str, str]
    error: str
    created_at: datetime | None
    updated_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    formats: tuple[FormatFacts, ...]
    messages: tuple[tuple[int, str], ...] = ()


def _time(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _file(item: FileFacts) -> dict[str, Any]:
    return {
        "path": item.path,
        "bucket": item.bucket,
        "storage": "s3" if item.bucket else "library",
        "type": FILE_TYPES.get(item.role, item.role),
        "size": item.size,
        "duration": round(item.duration, 3) if item.duration is not None else None,
        "width": item.width,
        "height": item.height,
        "video_codec": item.video_codec,
        "audio_codec": item.audio_codec,
        "bitrate": item.bit_rate,
    }


def _webhook_config(request: dict, headers: dict[str, str], *, masked: bool) -> dict | None:
    config = request.get("webhook_config")
    if not config:
        return None
    if masked:
        return dict(config)  # stored with masked header values
    return {"url": config.get("url", ""), "headers": dict(headers)}


def job_payload(facts: JobFacts, *, mask_headers: bool) -> dict[str, Any]:
    request = facts.request
    formats = request.get("format") or []
    return {
        "id": facts.id,
        "video_id": request.get("video_id", ""),
        "status": public_status(facts.status),
        "progress": round(facts.progress, 1),
        "upscale": bool(request.get("upscale")),
        "webhook_config": _webhook_config(request, facts.headers, masked=mask_headers),
        "source": request.get("source"),
        "format": formats,
        "outputs": [
            {
                "format": item.index,
                "output": formats[item.index].get("output") if item.index < len(formats) else "",
                "status": public_status(item.status),
                "error": item.error,
                "files": [_file(file) for file in item.files],
            }
            for item in facts.formats
        ],
        "error": facts.error,
        "messages": [{"level": LEVELS.get(level, "undefined"), "message": text} for level, text in facts.messages],
        "created_at": _time(facts.created_at),
        "updated_at": _time(facts.updated_at),
        "started_at": _time(facts.started_at),
        "finished_at": _time(facts.finished_at),
    }

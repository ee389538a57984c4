"""The request API's process body, as its callback and `GET /status/detailed/{id}` send it.

Pure: plain facts in (read from the rows by presenters.process_facts),
the service's JSON out, field for field: codec names in capitals, times as "YYYY-MM-DD HH:MM:SS"
in UTC, `success` as 1 or 0.

Cost: the service bills credits per encoded second. Our price list is this module's table:
a base of 0.02 credits a second, times a multiplier per video codec and per quality. A job's
`multipliers` lists the factors applied to it; `total_multiplier` is their product. Only
jobs that encode video (encode, preview_clip) bill seconds; images (storyboards, screenshots)
are free. The process's cost is the sum of its jobs'.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from media_platform.engine.probe import VideoStreamInfo

BASE_CREDITS_PER_SECOND = 0.02
CODEC_MULTIPLIERS = {"h264": 1.0, "h265": 1.5, "av1": 2.0}
QUALITY_MULTIPLIERS = {"standard": 1.0, "optimal": 1.25, "premium": 1.5}

JOB_TYPES = {"mp4": "ENCODE", "preview_clip": "PREVIEW_CLIP", "storyboard": "STORYBOARD", "screenshots": "SCREENSHOTS"}
# ffprobe's codec names → the service's.
CODEC_NAMES = {"h264": "H264", "hevc": "H265", "h265": "H265", "av1": "AV1", "aac": "AAC", "mjpeg": "JPEG"}
FAILED_STATUSES = {"REJECTED", "FAILED", "FAILED_BILLING", "PARTIALLY_FAILED"}


@dataclass(frozen=True)
class OutputFacts:
    """A job's main file (or, for several screenshots, all of them summed up)."""

    file_name: str
    size: int | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    video_codec: str = ""
    audio_codec: str = ""
    bit_rate: int | None = None
    fps: float | None = None
    md5: str = ""
    sha1: str = ""


@dataclass(frozen=True)
class JobFacts:
    id: str
    index: int
    kind: str  # the engine's job kind: mp4 | preview_clip | storyboard | screenshots
    status: str
    created_at: datetime | None
    finished_at: datetime | None
    started_upload_at: datetime | None
    finished_upload_at: datetime | None
    multipliers: tuple[float, ...]
    output: OutputFacts | None

    @property
    def billed_seconds(self) -> float:
        if self.kind not in ("mp4", "preview_clip") or self.output is None:
            return 0.0
        return self.output.duration or 0.0


@dataclass(frozen=True)
class ProcessFacts:
    process_id: str
    status: str
    updated_at: datetime | None
    fail_message: str
    source_name: str
    source_info: dict | None
    finished_download_at: datetime | None
    jobs: tuple[JobFacts, ...]


def job_multipliers(codec: str | None, quality: str | None) -> tuple[float, ...]:
    factors = []
    if codec:
        factors.append(CODEC_MULTIPLIERS.get(codec, 1.0))
    if quality:
        factors.append(QUALITY_MULTIPLIERS.get(quality, 1.0))
    return tuple(factors) or (1.0,)


def public_status(status: str) -> str:
    """The service has no CANCELLED: a cancelled process reads as FAILED ("Cancelled")."""
    return "FAILED" if status == "CANCELLED" else status


def timestamp(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else None


def codec_name(name: str | None) -> str | None:
    return CODEC_NAMES.get(name.lower(), name.upper()) if name else None


def number(value: float | int | None, digits: int = 6) -> float | int | None:
    """30.0 → 30, 15.2333333 → 15.233333; None stays None."""
    if value is None:
        return None
    rounded = round(float(value), digits)
    return int(rounded) if rounded.is_integer() else rounded


def truncate(value: float, digits: int) -> float:
    """The service truncates credits (0.30466666 for 15.233333 s × 0.02), it does not round."""
    factor = 10**digits
    return math.floor(round(value * factor, 6)) / factor


def cost(seconds: float, multiplier: float) -> dict[str, Any]:
    seconds = round(seconds, 6)
    per_second = BASE_CREDITS_PER_SECOND * multiplier
    return {
        "base_credits_per_second": BASE_CREDITS_PER_SECOND,
        "total_multiplier": number(multiplier, 4),
        "credits": number(truncate(seconds * per_second, 8), 8),
        "billed_seconds": number(seconds),
        "encoded_seconds": number(seconds),
        "billed_credits_per_second": number(per_second, 8),
    }


def job_cost(job: JobFacts) -> dict[str, Any]:
    total = math.prod(job.multipliers)
    body = cost(job.billed_seconds, total)
    ordered = {key: body[key] for key in ("base_credits_per_second", "total_multiplier", "credits")}
    ordered.update(billed_seconds=body["billed_seconds"], encoded_seconds=body["encoded_seconds"])
    ordered["multipliers"] = [number(m, 4) for m in job.multipliers]
    ordered["billed_credits_per_second"] = body["billed_credits_per_second"]
    return ordered


def process_cost(jobs: tuple[JobFacts, ...]) -> dict[str, Any]:
    seconds = sum(job.billed_seconds for job in jobs)
    weighted = sum(job.billed_seconds * math.prod(job.multipliers) for job in jobs)
    return cost(seconds, weighted / seconds if seconds else 1.0)


def extension(name: str) -> str | None:
    tail = name.split("?", 1)[0].rsplit("/", 1)[-1]
    return tail.rsplit(".", 1)[-1].lower() if "." in tail else None


def source_body(name: str, info: dict | None) -> dict[str, Any]:
    info = info or {}
    video = info.get("video") or {}
    audio = (info.get("audio") or [{}])[0] or {}
    # The display size (non-square pixels and rotation applied), as every API reports it.
    stream = VideoStreamInfo.from_json(video) if video.get("width") and video.get("height") else None
    width, height = (stream.display_width, stream.display_height) if stream else (None, None)
    return {
        "audio_codec": codec_name(audio.get("codec")),
        "audio_duration": number(audio.get("duration")),
        "bit_rate": info.get("bit_rate"),
        "extension": extension(name),
        # The engine does not hash sources yet; these light up once it stores them in source_info.
        "file_md5": info.get("md5"),
        "file_name": name,
        "file_sha1": info.get("sha1"),
        "file_size": info.get("size"),
        "fps": number(stream.frame_rate, 3) if stream else None,
        "height": height,
        "is_portrait": bool(width and height and height > width) if video else None,
        "video_codec": codec_name(video.get("codec")),
        "video_duration": number(video.get("duration") or info.get("duration")),
        "width": width,
    }


def job_body(job: JobFacts) -> dict[str, Any]:
    out = job.output
    return {
        "audio_codec": codec_name(out.audio_codec) if out else None,
        "bit_rate": out.bit_rate if out else None,
        "cost": job_cost(job),
        "created_at": timestamp(job.created_at),
        "duration": number(out.duration) if out else None,
        "extension": extension(out.file_name) if out else None,
        "file_md5": (out.md5 or None) if out else None,
        "file_name": out.file_name if out else None,
        "file_sha1": (out.sha1 or None) if out else None,
        "file_size": out.size if out else None,
        "finished_at": timestamp(job.finished_at),
        "finished_upload_at": timestamp(job.finished_upload_at),
        "fps": number(out.fps, 3) if out else None,
        "height": out.height if out else None,
        "id": job.id,
        "index": job.index,
        "started_upload_at": timestamp(job.started_upload_at),
        "status": public_status(job.status),
        "type": JOB_TYPES.get(job.kind, job.kind.upper()),
        "video_codec": codec_name(out.video_codec) if out else None,
        "width": out.width if out else None,
    }


def detailed_payload(facts: ProcessFacts) -> dict[str, Any]:
    status = public_status(facts.status)
    return {
        "process_id": facts.process_id,
        "success": 1 if status == "FINISHED" else 0,
        "status": status,
        "cost": process_cost(facts.jobs),
        "source": source_body(facts.source_name, facts.source_info),
        "finished_download_at": timestamp(facts.finished_download_at),
        "jobs": [job_body(job) for job in facts.jobs],
    }


def status_payload(status: str, updated_at: datetime | None, fail_message: str) -> dict[str, Any]:
    shown = public_status(status)
    body: dict[str, Any] = {"status": shown, "updated_at": timestamp(updated_at)}
    if shown in FAILED_STATUSES:
        body["fail_message"] = fail_message or ("Cancelled" if status == "CANCELLED" else "Processing failed")
    return body

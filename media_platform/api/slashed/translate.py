"""A checked `POST /request` → the engine's process: source, destination, jobs.

Outputs go to the library's storage under `libraries/<id>/<destination>`; a destination that
is an s3:// URL goes to that bucket instead (the job writes into a folder of its own, which the
engine uploads to the job's destination).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings

from media_platform.engine.spec import (
    AudioSettings,
    Crop,
    Job,
    Mp4Job,
    PreviewClipJob,
    Rendition,
    Resize,
    ScreenshotsJob,
    StoryboardJob,
    Transformation,
    Trim,
    VideoSettings,
    Watermark,
)
from media_platform.models import EncodingProcess, Library
from media_platform.services.pipeline.source import url_source
from media_platform.storage.s3 import mask_url

from .locations import Location, storage_key
from .validate import ValidRequest

# Quality → the VMAF the service promises: the worker searches the CRF that reaches it on samples
# of the source (per title) and reports the score achieved (engine/quality.py).
VMAF = {"standard": 90.0, "optimal": 93.0, "premium": 96.0}
# Fallback CRFs, used only where VMAF cannot be measured: near those scores on typical content.
CRF = {
    "h264": {"standard": 23, "optimal": 21, "premium": 19},
    "h265": {"standard": 26, "optimal": 24, "premium": 22},
    "av1": {"standard": 32, "optimal": 30, "premium": 28},
}
PRIORITIES = {"low": EncodingProcess.Priority.LOW, "high": EncodingProcess.Priority.HIGH}
# A job bound for S3 writes into this folder of the worker's output; nothing else lands there.
S3_FOLDER = ".s3/{index}"


@dataclass(frozen=True)
class Translation:
    source: dict
    destination: dict
    jobs: list[Job]
    job_destinations: list[dict | None]
    priority: str


def translate(valid: ValidRequest, library: Library) -> Translation:
    jobs, destinations = [], []
    for index, requested in enumerate(valid.jobs):
        job, destination = TRANSLATORS[requested["type"]](requested, index)
        transformations = tuple(_transformation(t) for t in requested["transformations"])
        jobs.append(replace(job, transformations=transformations))
        destinations.append(destination)
    return Translation(
        source=_source(valid.source, library),
        destination={"kind": "storage", "prefix": f"libraries/{library.pk}"},
        jobs=jobs,
        job_destinations=destinations,
        priority=PRIORITIES.get(valid.priority or "", EncodingProcess.Priority.DEFAULT),
    )


def _source(location: Location, library: Library) -> dict:
    if location.kind == "storage":
        return {"kind": "storage", "name": storage_key(library, location.value)}
    if location.kind == "s3":
        assert location.s3 is not None
        return location.s3.to_json()
    return url_source(location.value)


def _folder(location: Location, index: int) -> tuple[str, dict | None]:
    """(the job's prefix in the output, its own destination or None for the library's storage)."""
    if location.kind == "s3" and location.s3 is not None:
        return S3_FOLDER.format(index=index), location.s3.to_json()
    return location.value, None


def _file(location: Location, index: int) -> tuple[str, str, dict | None]:
    """(prefix, file name, destination) for a destination naming a file."""
    if location.kind == "s3" and location.s3 is not None:
        folder, name = posixpath.split(location.s3.key)
        return S3_FOLDER.format(index=index), name, replace(location.s3, key=folder).to_json()
    folder, name = posixpath.split(location.value)
    return folder, name, None


def _preset() -> str | None:
    return settings.ENCODER_PRESET or None


def _encode(job: dict, index: int) -> tuple[Job, dict | None]:
    prefix, filename, destination = _file(job["destination"], index)
    codec = job["video_codec"]
    quality = job["quality"]
    video = VideoSettings(
        codec=codec, crf=CRF[codec][quality], vmaf_target=VMAF[quality], preset=_preset(), fps=job["fps"]
    )
    rendition = Rendition(name=job["quality"], video=video, audio=AudioSettings(codec=job["audio_codec"]))
    return Mp4Job(prefix=prefix, filename=filename, rendition=rendition), destination


def _preview_clip(job: dict, index: int) -> tuple[Job, dict | None]:
    prefix, filename, destination = _file(job["destination"], index)
    # "If not set, the codec of the input file is used": the input is probed only on the worker,
    # so an unset codec is H.264, which every input can be re-encoded to.
    preview = PreviewClipJob(
        prefix=prefix,
        filename=filename,
        num_snippets=job["num_snippets"],
        snippet_duration=job["snippet_duration"],
        video_codec=job["video_codec"] or "h264",
    )
    return preview, destination


def _storyboard(job: dict, index: int) -> tuple[Job, dict | None]:
    prefix, destination = _folder(job["destination_dir"], index)
    storyboard = StoryboardJob(
        prefix=prefix,
        interval=job["interval"],
        columns=job["sprite_columns"],
        sprite_file=job["sprite_file"],
        vtt_file=job["vtt_file"],
    )
    return storyboard, destination


def _screenshots(job: dict, index: int) -> tuple[Job, dict | None]:
    prefix, filename, destination = _file(job["destination"], index)
    if job["quantity"] == 1:
        filename = filename.replace("%d", "1")  # the placeholder is only needed for several
    return ScreenshotsJob(prefix=prefix, quantity=job["quantity"], filename=filename), destination


TRANSLATORS = {"encode": _encode, "preview_clip": _preview_clip, "storyboard": _storyboard, "screenshots": _screenshots}


def _transformation(t: dict) -> Transformation:
    kind = t["type"]
    if kind == "resize":
        return Resize(width=t["width"], height=t["height"], upscale=t["upscale"])
    if kind == "trim":
        return Trim(start_time=t["start_time"], duration=t["duration"])
    placement = {"gravity": t["gravity"], "xoffset": t["xoffset"], "yoffset": t["yoffset"]}
    if kind == "crop":
        return Crop(width=t["width"], height=t["height"], **placement)
    source: Location = t["source"]
    # The worker fetches it (assets.fetch_asset): a URL, an s3:// URL, or a path in the library.
    return Watermark(source=source.value, width=t["width"], height=t["height"], opacity=t["opacity"], **placement)


def masked_request(data: Any) -> Any:
    """The request as stored on the process: S3 credentials masked wherever they appear."""
    if isinstance(data, dict):
        return {key: masked_request(value) for key, value in data.items()}
    if isinstance(data, list):
        return [masked_request(value) for value in data]
    if isinstance(data, str) and data.startswith("s3://"):
        return mask_url(data)
    return data

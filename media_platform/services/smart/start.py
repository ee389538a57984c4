"""Asking for transcription or Smart Generate: checked here, run by a job (smart.run)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

from django.db import transaction

from media_platform.models import Caption, Video
from media_platform.selectors.videos import video_mp4_outputs
from media_platform.services.queueing import ENVIRONMENT_RETRY, enqueue_on_commit
from media_platform.services.video_assets import AUTO_SUFFIX
from media_platform.storage import exists

RUN = "media_platform.jobs.maintenance.smart_generate"
FEATURES = ("title", "description", "chapters", "moments")


class SmartStatus(IntEnum):
    """bunny's SmartGenerateStatus."""

    NONE = 0
    QUEUED = 1
    IN_PROGRESS = 2
    FINISHED = 3
    FAILED = 4


# The aggregate, as bunny derives it from the features: InProgress, then Queued, then Failed, then Finished.
PRECEDENCE = (SmartStatus.IN_PROGRESS, SmartStatus.QUEUED, SmartStatus.FAILED, SmartStatus.FINISHED)


class SmartRefused(ValueError):
    pass


def smart_status(features: dict | None) -> int | None:
    present = {value for value in (features or {}).values() if value is not None}
    return next((int(status) for status in PRECEDENCE if status in present), None)


def source_name(video: Video) -> str:
    """What to listen to and look at: the original, else the largest MP4 fallback."""
    if video.has_original and exists(video.original_name):
        return video.original_name
    mp4s = video_mp4_outputs(video)
    if mp4s and video.outputs_prefix:
        return f"{video.outputs_prefix}/{mp4s[-1]['path']}"
    raise SmartRefused("The video has no original file (nor MP4 fallback) to work from.")


def features_set(video: Video, features: list[str], status: SmartStatus) -> None:
    current = dict(video.smart_generate_features or {})
    current.update({name: int(status) for name in features})
    video.smart_generate_features = {name: current.get(name) for name in FEATURES}
    video.smart_generate_status = smart_status(video.smart_generate_features)
    video.save(update_fields=["smart_generate_features", "smart_generate_status", "updated_at"])


@transaction.atomic
def video_smart_generate(*, video: Video, features: list[str], language: str | None = None) -> None:
    features = [name for name in FEATURES if name in features]
    if not features:
        raise SmartRefused(
            "Ask for at least one of generateTitle, generateDescription, generateChapters, generateMoments."
        )
    source_name(video)
    features_set(video, features, SmartStatus.QUEUED)
    options = {"features": features, "language": language, "transcribe": False}
    enqueue_on_commit("default", RUN, video.pk, options, retry=ENVIRONMENT_RETRY, job_timeout=6 * 3600)


def was_transcribed(video: Video) -> bool:
    return Caption.objects.filter(video=video, label__endswith=AUTO_SUFFIX).exists()


@transaction.atomic
def video_transcribe(
    *,
    video: Video,
    language: str | None = None,
    force: bool = False,
    features: Sequence[str] = (),
    target_languages: Sequence[str] = (),
) -> None:
    if not force and was_transcribed(video):
        raise SmartRefused("The video was transcribed before: force=true transcribes it again.")
    source_name(video)
    features = [name for name in FEATURES if name in features]
    if features:
        features_set(video, features, SmartStatus.QUEUED)
    options = {"features": features, "language": language, "transcribe": True, "targets": list(target_languages)}
    enqueue_on_commit("default", RUN, video.pk, options, retry=ENVIRONMENT_RETRY, job_timeout=6 * 3600)

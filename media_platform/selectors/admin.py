"""Reads for the admin: changelist querysets with a fixed number of queries per page, the
progress the pages poll, and what a video page shows (outputs of the published encode)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Sum
from django.db.models.functions import Coalesce

from media_platform.engine.issues import Severity
from media_platform.models import EncodingJob, EncodingOutput, EncodingProcess, Library, TranscodingMessage, Video
from media_platform.status import ProcessStatus

MAX_POLLED_IDS = 500


def has_errors() -> Exists:
    return Exists(TranscodingMessage.objects.filter(video=OuterRef("pk"), level=Severity.ERROR))


def library_admin_list() -> QuerySet[Library]:
    # Two aggregates over the one join: no N+1, no double counting.
    return Library.objects.annotate(video_count=Count("videos"), storage_bytes=Coalesce(Sum("videos__storage_size"), 0))


def video_admin_list() -> QuerySet[Video]:
    """Only what a changelist row shows; the big JSON columns stay in the database."""
    return (
        Video.objects.select_related("library", "collection")
        .defer("source_info", "chapters", "moments", "meta_tags", "description")
        .annotate(has_errors=has_errors())
    )


def parse_ids(text: str | None) -> list[int]:
    ids = []
    for item in (text or "").split(","):
        item = item.strip()
        if item.isdigit():
            ids.append(int(item))
    return ids[:MAX_POLLED_IDS]


def video_progress(*, ids: Iterable[int]) -> list[dict[str, Any]]:
    return [dict(row) for row in Video.objects.filter(pk__in=list(ids)).values("pk", "status", "encode_progress")]


def process_progress(*, ids: Iterable[int]) -> list[EncodingProcess]:
    jobs = Prefetch("jobs", queryset=EncodingJob.objects.only("pk", "process_id", "status", "progress", "index"))
    return list(
        EncodingProcess.objects.filter(pk__in=list(ids))
        .only("pk", "status", "progress", "started_at", "finished_at", "fail_message")
        .prefetch_related(jobs)
    )


def video_published_outputs(*, video: Video) -> list[EncodingOutput]:
    """The files of the newest finished encode (the set players get), renditions in ladder order."""
    process = (
        EncodingProcess.objects.filter(video=video, status__in=[ProcessStatus.FINISHED, ProcessStatus.PARTIALLY_FAILED])
        .order_by("-finished_at", "-id")
        .first()
    )
    if process is None:
        return []
    return list(
        EncodingOutput.objects.filter(job__process=process).select_related("job").order_by("job__index", "path")
    )

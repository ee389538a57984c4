"""Fast start for a source a browser cannot play as it is (MPEG-2, HEVC, 10-bit…), when the video
has no JIT: its ladder's lowest rendition is encoded first, on its own (quick: the smallest
picture), and published as a one-rendition master — status 3, bunny's webhook 4 for it — then the
rest of the ladder is encoded, and at its publish that rendition is carried over (a merge, see
merge.py) instead of being encoded twice. Players that loaded the first master keep requesting
the same names, which the ladder has."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from media_platform.engine.fast_start import copy_incompatibility
from media_platform.engine.probe import SourceInfo
from media_platform.engine.spec import HlsJob, Job
from media_platform.models import EncodingJob, EncodingProcess, PlaybackPlan, Video
from media_platform.storage import upload_tree

from .execute import execute
from .keys import seal
from .notify import notify_bunny_resolution
from .progress import ProgressRecorder

log = logging.getLogger(__name__)
# The first rendition's share of the progress bar (its picture is a small part of the work).
FIRST_SHARE = 0.1


class Stage(ProgressRecorder):
    """A recorder for one stage of a run: its fractions land in [start, start + share] of the
    recorder it wraps (which does the writing, throttling and cancellation)."""

    def __init__(self, recorder: ProgressRecorder, start: float, share: float):
        self.recorder, self.start, self.share = recorder, start, share
        self.lease_lost = recorder.lease_lost

    def __call__(self, fraction: float) -> None:
        self.recorder(self.start + fraction * self.share)

    def should_stop(self) -> bool:
        return self.recorder.should_stop()


def wants_first_rung(process: EncodingProcess, jobs: list[tuple[int, Job]], info: SourceInfo) -> bool:
    """Only for a bunny upload's first encode (a reencode keeps serving the ladder it has), with
    nothing else playable early or about to be (JIT planning, a fast-start copy, which the upload's
    request is making now), and a ladder of more than one rendition."""
    recipe = process.recipe or {}
    if not settings.FAST_START or recipe.get("name") != "bunny_video" or recipe.get("merge"):
        return False
    if process.video_id is None or process.destination.get("kind") != "video":
        return False
    video = Video.objects.only("outputs_prefix", "jit_encoding_enabled").get(pk=process.video_id)
    if video.outputs_prefix or video.jit_encoding_enabled or PlaybackPlan.objects.filter(video=video).exists():
        return False
    hls = [job for _, job in jobs if isinstance(job, HlsJob)]
    if len(hls) != 1 or len(hls[0].renditions) < 2:
        return False
    top = max(min(r.width or 0, r.height or 0) for r in hls[0].renditions)
    return copy_incompatibility(info, top, None, max_gap=settings.JIT_MAX_KEYFRAME_GAP) is not None


def first_rung(
    process: EncodingProcess, jobs: list[tuple[int, Job]], info: SourceInfo, source: Path, work: Path, recorder
) -> tuple[list[tuple[int, Job]], ProgressRecorder]:
    """(the jobs left for the ladder, the recorder to run them with). Anything that goes wrong
    here leaves the ladder as it was: the first rendition is a bonus."""
    video = process.video
    if video is None:  # wants_first_rung asked for one: without a video nothing is published
        return jobs, recorder
    index, hls = next((i, job) for i, job in jobs if isinstance(job, HlsJob))
    lowest = hls.renditions[0]
    alone = replace(
        hls, renditions=(lowest,), mp4_fallback=tuple(n for n in hls.mp4_fallback if n == lowest.name), subtitles=()
    )
    outdir = work / "first"
    outdir.mkdir()
    execution = execute([(index, alone)], info, source, outdir, Stage(recorder, 0.0, FIRST_SHARE))
    if execution.failed:
        return jobs, recorder
    prefix = f"videos/{video.guid}/{process.public_id}-first"
    upload_tree(outdir, prefix)
    if not _publish(process, video.pk, prefix, lowest.name):
        return jobs, recorder
    rest = replace(
        hls, renditions=hls.renditions[1:], mp4_fallback=tuple(n for n in hls.mp4_fallback if n != lowest.name)
    )
    EncodingJob.objects.filter(process=process, index=index).update(spec=seal(rest))
    recipe = {**(process.recipe or {}), "merge": True}
    EncodingProcess.objects.filter(pk=process.pk).update(recipe=recipe)
    process.recipe = recipe
    updated = [(i, rest if i == index else job) for i, job in jobs]
    return updated, Stage(recorder, FIRST_SHARE, 1 - FIRST_SHARE)


def _publish(process: EncodingProcess, video_id: int, prefix: str, rendition: str) -> bool:
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=video_id)
        newest = EncodingProcess.objects.filter(video=video).order_by("-created_at", "-id").values("pk").first()
        if video.outputs_prefix or newest is None or newest["pk"] != process.pk:
            return False
        Video.objects.filter(pk=video.pk).update(
            outputs_prefix=prefix, available_resolutions=rendition, updated_at=timezone.now()
        )
        notify_bunny_resolution(process, rendition)
    return True

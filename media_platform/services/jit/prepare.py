"""Right after an original is stored: make the video playable in seconds, whatever its length.

JIT: probe, read the keyframe index (packets only, no decode), decide the ladder as the worker
will, write the master and every media playlist under a fresh prefix, and point the video at it
(status 7 while planning, 8 once published, bunny's webhook 4 per rendition). The segments are
encoded when first asked for (services.jit.runs); the worker encodes the whole ladder as usual
and replaces the plan when it is done.
"""

from __future__ import annotations

import logging
import posixpath
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from media_platform.engine.diagnostics import check_source
from media_platform.engine.issues import InputError, Issue, IssueCode, Severity
from media_platform.engine.jit import (
    SegmentSpan,
    estimated_variant,
    incompatibility,
    jit_master,
    media_playlist,
    segment_grid,
)
from media_platform.engine.mp4index import read_index_fast
from media_platform.engine.names import safe_join
from media_platform.engine.plan import EncodeContext, HlsMaster, plan_process
from media_platform.engine.probe import SourceInfo, probe_file
from media_platform.engine.spec import HlsJob, to_json
from media_platform.models import EncodingProcess, PlaybackPlan, Video
from media_platform.services.messages import transcoding_messages_add
from media_platform.services.pipeline import recipes
from media_platform.services.pipeline.notify import notify_bunny_resolution
from media_platform.services.pipeline.run import limits
from media_platform.services.queueing import enqueue_in
from media_platform.status import TERMINAL_STATUSES, VideoStatus
from media_platform.storage import delete_prefix, save_bytes

from .sources import source_input, source_reader

log = logging.getLogger(__name__)
DELETE_PREFIX = "media_platform.jobs.maintenance.delete_prefix"


class Incompatible(Exception):
    """The source cannot be cut into segments (JitIncompatible): the normal pipeline only."""


class NotForUs(Exception):
    """Nothing to do (the worker will refuse the source, or its process is gone)."""


@dataclass(frozen=True)
class Planned:
    info: SourceInfo
    job: HlsJob
    spans: list[SegmentSpan]
    files: dict[str, str]  # relative path → playlist text (media playlists first, the master last)


def upload_process(video: Video) -> EncodingProcess | None:
    """The encode the upload started: the video's newest process, still running a bunny ladder."""
    process = (
        EncodingProcess.objects.filter(video=video).select_related("library", "video").order_by("-created_at", "-id")
    ).first()
    recipe = (process.recipe or {}) if process else {}
    if process is None or process.status in TERMINAL_STATUSES or recipe.get("name") != "bunny_video":
        return None
    return process


def jit_prepare(*, video: Video) -> PlaybackPlan | None:
    """Call once an upload's original is stored and its process created (bunny's PUT, a TUS
    upload's last byte, a URL import's fetch). A JIT plan when the video wants JIT; otherwise a
    fast-start stream copy when the source allows it (the worker encodes other sources' lowest
    rendition first). Never raises: at worst the video waits for its ladder, with a message."""
    current = Video.objects.select_related("library").filter(pk=video.pk).first()
    if current is None or not current.has_original:
        return None
    process = upload_process(current)
    if process is None:
        return None
    if current.jit_encoding_enabled:
        plan = _prepare_jit(current, process)
        if plan is not None:
            return plan
    if settings.FAST_START:
        from .fast_start import copy_prepare

        return copy_prepare(video=current, process=process)
    return None


def _prepare_jit(video: Video, process: EncodingProcess) -> PlaybackPlan | None:
    before = video.status
    Video.objects.filter(pk=video.pk).update(status=VideoStatus.JIT_SEGMENTING)
    plan = None
    try:
        plan = _publish(video, process, plan_jit(video, process))
    except NotForUs:
        pass
    except Incompatible as exc:
        _note(process, IssueCode.JIT_INCOMPATIBLE, str(exc))
    except Exception as exc:  # noqa: BLE001 - planning must never cost the upload
        log.exception("JIT planning of video %s failed", video.guid)
        _note(process, IssueCode.JIT_FAILED, f"JIT planning failed: {exc}")
    if plan is None:
        Video.objects.filter(pk=video.pk, status=VideoStatus.JIT_SEGMENTING).update(status=before)
    return plan


def _note(process: EncodingProcess, code: IssueCode, message: str) -> None:
    transcoding_messages_add(process=process, issues=[Issue(Severity.WARNING, code, message)])


def plan_jit(video: Video, process: EncodingProcess) -> Planned:
    path, protocols = source_input(video.original_name)
    try:
        info = probe_file(path, ffprobe=settings.FFPROBE_BINARY, protocols=protocols)
    except InputError as exc:
        raise NotForUs() from exc  # the worker reports an unreadable source
    if info.video is None or info.is_image:
        raise Incompatible("The source has no video stream to cut into segments.")
    if any(issue.is_fatal for issue in check_source(info, limits())):
        raise NotForUs()
    hls = next((job for job in recipes.expand(process, info) if isinstance(job, HlsJob)), None)
    if hls is None:
        raise NotForUs()
    index = read_index_fast(
        path,
        format_name=info.format_name,
        ffprobe=settings.FFPROBE_BINARY,
        protocols=protocols,
        opener=lambda: source_reader(video.original_name),
    )
    reason = incompatibility(info, hls, index, max_keyframe_gap=settings.JIT_MAX_KEYFRAME_GAP)
    if reason:
        raise Incompatible(reason)
    spans = segment_grid(index, hls.segment_duration, format_name=info.format_name)
    return Planned(info, hls, spans, playlists(hls, info, spans))


def playlists(hls: HlsJob, info: SourceInfo, spans: list[SegmentSpan]) -> dict[str, str]:
    """Every media playlist whole, and the master, before any segment exists: sizes from the
    plan the worker will run, bandwidths from the renditions' rate caps."""
    (invocation,) = plan_process([(0, hls)], info, EncodeContext(input_path="source"))
    master = next(f for f in invocation.finishers if isinstance(f, HlsMaster))
    master_dir = posixpath.dirname(master.path)
    durations = [span.duration for span in spans]
    files, variants = {}, []
    for variant, rendition in zip(master.variants, hls.renditions, strict=True):
        segments = safe_join(hls.prefix, hls.segment_pattern.format(name=rendition.name))
        uri = posixpath.relpath(segments, posixpath.dirname(variant.playlist) or ".")
        files[variant.playlist] = media_playlist(durations, uri)
        variants.append(estimated_variant(variant, rendition, posixpath.relpath(variant.playlist, master_dir or ".")))
    files[master.path] = jit_master(variants)
    return files


def _publish(video: Video, process: EncodingProcess, planned: Planned) -> PlaybackPlan | None:
    names = [r.name for r in planned.job.renditions]
    return publish_plan(
        video, process, planned.files, kind=PlaybackPlan.Kind.JIT, renditions=names, shown=names,
        status=VideoStatus.JIT_PLAYLISTS_CREATED, info=planned.info, job=to_json(planned.job),
        spans=planned.spans,
    )  # fmt: skip


def publish_plan(
    video: Video,
    process: EncodingProcess,
    files: dict[str, str],
    *,
    kind: str,
    renditions: list[str],
    shown: list[str],
    status: VideoStatus,
    **fields,
) -> PlaybackPlan | None:
    """Write the playlists under a fresh prefix, then switch the video to it in one update —
    unless the ladder won the race, or a newer upload took over. bunny's webhook 4 for each
    rendition `shown` (what availableResolutions lists)."""
    prefix = f"videos/{video.guid}/{kind}-{uuid.uuid4().hex[:12]}"
    for path, text in files.items():
        save_bytes(f"{prefix}/{path}", text.encode())
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        newest = upload_process(locked)
        if newest is None or newest.pk != process.pk or locked.original_name != video.original_name:
            transaction.on_commit(lambda: delete_prefix(prefix))
            return None
        plan = plan_record(locked, process, kind=kind, prefix=prefix, renditions=renditions, **fields)
        switch_outputs(locked, prefix, shown, status)
        for name in shown:
            notify_bunny_resolution(process, name)
    return plan


def plan_record(video: Video, process: EncodingProcess, *, spans: list[SegmentSpan], **fields) -> PlaybackPlan:
    """The new active plan; an older one still active is retired (its files go with its prefix)."""
    now = timezone.now()
    PlaybackPlan.objects.filter(video=video, status=PlaybackPlan.Status.ACTIVE).update(
        status=PlaybackPlan.Status.RETIRED, retired_at=now
    )
    info = fields.pop("info")
    return PlaybackPlan.objects.create(
        video=video,
        process=process,
        source_name=video.original_name,
        source_info=info.to_json(),
        starts=[span.start for span in spans],
        durations=[span.duration for span in spans],
        decode_from=[span.decode_from for span in spans],
        frames=[span.frames for span in spans],
        **fields,
    )


def switch_outputs(video: Video, prefix: str, renditions: list[str], status: VideoStatus) -> None:
    """Point the video at `prefix`; what it pointed at before goes after the grace period."""
    old = video.outputs_prefix
    Video.objects.filter(pk=video.pk).update(
        outputs_prefix=prefix, available_resolutions=",".join(renditions), status=status, updated_at=timezone.now()
    )
    if old and old != prefix:
        transaction.on_commit(
            lambda: enqueue_in(settings.OLD_OUTPUTS_GRACE_SECONDS, "low", DELETE_PREFIX, old), robust=True
        )

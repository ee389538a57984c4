"""bunny's repackage: the video's published outputs muxed again, without re-encoding anything.

Every H.264 rendition is re-segmented from its own segments by stream copy (fresh playlists and
segment files, keyframe-aligned as before), MP4 fallbacks the library asks for and the video lacks
are muxed from them, and every other file is carried over. The new set is uploaded under a new
prefix, owned by a FINISHED process of its own (so the outputs' rows describe it), and published
in one update; with keepOriginalFiles the previous set stays in storage, else it is removed after
the usual grace period.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from media_platform.engine.ladder import MP4_FALLBACK_MAX, rung_sort_key
from media_platform.engine.plan import PlannedFile
from media_platform.models import EncodingJob, EncodingOutput, EncodingProcess, Video
from media_platform.selectors.storage_size import published_outputs
from media_platform.services.queueing import ENVIRONMENT_RETRY, enqueue_in, enqueue_on_commit
from media_platform.status import ProcessStatus
from media_platform.storage import delete_prefix, download_files, list_files, upload_tree, workspace

from .pipeline.inspect import inspect_outputs
from .pipeline.publish import record_outputs

RUN = "media_platform.jobs.maintenance.repackage_video"
DELETE_PREFIX = "media_platform.jobs.maintenance.delete_prefix"


class NothingToRepackage(ValueError):
    pass


def video_repackage(*, video: Video, keep_original_files: bool = True) -> None:
    if not video.outputs_prefix or not video.resolutions:
        raise NothingToRepackage("The video has no encoded outputs to repackage.")
    jobs = EncodingJob.objects.filter(outputs__in=published_outputs(video)).distinct()
    if video.library.encrypt_hls or any(job.spec.get("encryption") for job in jobs):
        # ffmpeg would read the segments through their keys and write them again in the clear
        raise NothingToRepackage("Encrypted outputs cannot be repackaged: reencode the video instead.")
    with transaction.atomic():
        enqueue_on_commit("default", RUN, video.pk, keep_original_files, retry=ENVIRONMENT_RETRY)


def _ffmpeg(*args: str) -> None:
    argv = [settings.FFMPEG_BINARY, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", *args]
    subprocess.run(argv, check=True, capture_output=True, timeout=3600)


def remux_rendition(old: Path, new: Path, name: str, segment_seconds: float = 4.0) -> None:
    (new / name).mkdir(parents=True, exist_ok=True)
    _ffmpeg(
        "-i", str(old / name / "video.m3u8"), "-map", "0", "-c", "copy", "-f", "hls",
        "-hls_time", f"{segment_seconds:g}", "-hls_playlist_type", "vod", "-hls_flags", "independent_segments",
        "-hls_segment_filename", str(new / name / "video%d.ts"), str(new / name / "video.m3u8"),
    )  # fmt: skip


def remux_mp4(new: Path, name: str) -> None:
    target = new / f"play_{name}.mp4"
    _ffmpeg("-i", str(new / name / "video.m3u8"), "-map", "0", "-c", "copy", "-movflags", "+faststart", str(target))


def _planned(outputs: list[EncodingOutput], wanted_mp4: list[str]) -> list[PlannedFile]:
    files = [PlannedFile(o.job.index, o.path, o.role, o.rendition or None, o.width, o.height) for o in outputs]
    hls = next((o.job.index for o in outputs if o.role == "variant"), 0)
    return files + [PlannedFile(hls, f"play_{name}.mp4", "mp4", name) for name in wanted_mp4]


def _rebuild(video: Video, outputs: list[EncodingOutput], old: Path, new: Path) -> list[str]:
    """Fill `new` from `old`; returns the MP4 fallbacks made."""
    ladder = [o.rendition for o in outputs if o.role == "variant" and o.path == f"{o.rendition}/video.m3u8"]
    for path in old.rglob("*"):
        relative = path.relative_to(old)
        if path.is_file() and relative.parts[0] not in ladder:
            (new / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, new / relative)
    for name in ladder:
        remux_rendition(old, new, name)
    have = {o.rendition for o in outputs if o.role == "mp4"}
    wanted = [n for n in ladder if rung_sort_key(n) <= MP4_FALLBACK_MAX and n not in have]
    wanted = wanted if video.library.mp4_fallback else []
    for name in wanted:
        remux_mp4(new, name)
    return wanted


def video_repackage_run(*, video_id: int, keep_original_files: bool = True) -> str | None:
    """Returns the new outputs prefix, or None when there was nothing (or a newer encode won)."""
    video = Video.objects.select_related("library").filter(pk=video_id).first()
    if video is None or not video.outputs_prefix:
        return None
    old_prefix = video.outputs_prefix.strip("/")
    outputs = list(published_outputs(video).select_related("job"))
    with workspace(f"repackage-{video.guid}") as work:
        old, new = work / "old", work / "new"
        download_files([(name, old / name[len(old_prefix) + 1 :]) for name in list_files(old_prefix)])
        made = _rebuild(video, outputs, old, new)
        inspected, _ = inspect_outputs(new, _planned(outputs, made))
        process = EncodingProcess.objects.create(
            library=video.library,
            video=video,
            source={"kind": "outputs", "prefix": old_prefix},
            destination={"kind": "video"},
            recipe={"name": "repackage", "keep_original_files": keep_original_files},
            status=ProcessStatus.FINISHED,
            progress=100,
            started_at=timezone.now(),
            finished_at=timezone.now(),
        )
        prefix = f"videos/{video.guid}/{process.public_id}"
        upload_tree(new, prefix)
    return _publish(video, process, prefix, old_prefix, inspected, outputs, keep_original_files)


def _publish(video, process, prefix, old_prefix, inspected, outputs, keep) -> str | None:
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        if locked.outputs_prefix.strip("/") != old_prefix:  # a reencode published meanwhile
            transaction.on_commit(lambda: delete_prefix(prefix))
            process.delete()
            return None
        for job in {o.job.index: o.job for o in outputs}.values():
            EncodingJob.objects.create(process=process, index=job.index, kind=job.kind, spec=job.spec)
        record_outputs(process, inspected)
        locked.outputs_prefix = prefix
        locked.has_mp4_fallback = any(i.file.role == "mp4" for i in inspected)
        locked.storage_size = (locked.original_size if locked.has_original else 0) + sum(i.size for i in inspected)
        locked.save()
        if not keep:
            transaction.on_commit(
                lambda: enqueue_in(settings.OLD_OUTPUTS_GRACE_SECONDS, "low", DELETE_PREFIX, old_prefix),
                robust=True,
            )
    return prefix

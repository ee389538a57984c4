"""Make a process's outputs visible, all at once.

A video's outputs are uploaded under a fresh prefix nobody reads yet; publishing is one
database update that points the video at it. Players keep the old set until that moment,
and the old set is removed only after a grace period. Outputs bound for a client's own
storage (S3 or a path in the library) go there with playlists and manifests last.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction

from media_platform.engine.issues import Issue, IssueCode, Severity
from media_platform.engine.ladder import rung_sort_key
from media_platform.models import EncodingJob, EncodingOutput, EncodingProcess, Video
from media_platform.services.output_codecs import codecs_text, probed_codecs
from media_platform.services.queueing import enqueue_in
from media_platform.storage import delete_prefix, upload_tree
from media_platform.storage.s3 import S3Error, S3Location
from media_platform.storage.s3 import upload_tree as upload_tree_s3

from .faults import EnvironmentFault, InputError, LeaseLost
from .inspect import Inspected
from .lease import ensure_lease
from .merge import adopt_kept_outputs, merge_untouched_renditions, wants_merge
from .retire import plans_retire

DELETE_PREFIX = "media_platform.jobs.maintenance.delete_prefix"


def video_outputs_prefix(process: EncodingProcess) -> str:
    assert process.video is not None  # only a video's process publishes to it
    return f"videos/{process.video.guid}/{process.public_id}"


def _send(folder: Path, destination: dict, process: EncodingProcess) -> str:
    kind = destination.get("kind")
    if kind == "video":
        prefix = video_outputs_prefix(process)
        upload_tree(folder, prefix)
        return prefix
    if kind == "storage":
        prefix = destination["prefix"].strip("/")
        upload_tree(folder, prefix)
        return prefix
    if kind == "s3":
        location = S3Location.from_json(destination)
        try:
            upload_tree_s3(folder, location)
        except S3Error as exc:
            if exc.retryable:
                raise EnvironmentFault(f"uploading outputs failed: {exc}") from exc
            raise InputError(
                Issue(Severity.ERROR, IssueCode.UNDEFINED, f"The outputs could not be stored: {exc}.")
            ) from exc
        return location.url
    raise ValueError(f"unknown destination kind {kind!r}")


def upload(process: EncodingProcess, outdir: Path) -> str:
    """Jobs with a destination of their own first (from their own folder), then the rest.
    A partial recompute first copies the renditions it kept into its new prefix."""
    for job in EncodingJob.objects.filter(process=process).exclude(destination=None):
        assert job.destination is not None
        folder = outdir / (job.spec.get("prefix") or "").strip("/")
        if job.spec.get("prefix") and folder.exists():
            _send(folder, job.destination, process)
            shutil.rmtree(folder)
    if wants_merge(process):
        merge_untouched_renditions(process, outdir, video_outputs_prefix(process))
    return _send(outdir, process.destination, process) if process.destination else ""


def record_outputs(process: EncodingProcess, inspected: list[Inspected]) -> None:
    jobs = {job.index: job for job in EncodingJob.objects.filter(process=process)}
    EncodingOutput.objects.filter(job__process=process).delete()
    EncodingOutput.objects.bulk_create(
        EncodingOutput(
            job=jobs[item.file.job_index],
            path=item.file.path,
            role=item.file.role,
            rendition=item.file.rendition or "",
            size=item.size,
            width=item.width,
            height=item.height,
            duration=item.duration,
            video_codec=item.video_codec,
            audio_codec=item.audio_codec,
            bit_rate=item.bit_rate,
            fps=item.fps,
            md5=item.md5,
            sha1=item.sha1,
        )
        for item in inspected
        if item.file.job_index in jobs
    )


def publish_video(process: EncodingProcess, prefix: str, inspected: list[Inspected]) -> None:
    """Point the video at its new outputs, unless a newer process took over meanwhile."""
    assert process.video_id is not None
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=process.video_id)
        newest = (
            EncodingProcess.objects.filter(video=video)
            .order_by("-created_at", "-id")
            .values_list("pk", flat=True)
            .first()
        )
        ensure_lease(process)
        if newest != process.pk:
            transaction.on_commit(lambda: delete_prefix(prefix))
            raise LeaseLost("a newer process owns this video's outputs")
        old_prefix = video.outputs_prefix
        variants = [i.file.rendition for i in inspected if i.file.role == "variant" and i.file.rendition]
        kept, kept_outputs = adopt_kept_outputs(process, video, set(variants)) if wants_merge(process) else ([], [])
        video.outputs_prefix = prefix
        video.available_resolutions = ",".join(sorted(set(variants + kept), key=rung_sort_key))
        roles = [i.file.role for i in inspected] + [output.role for output in kept_outputs]
        video.has_mp4_fallback = "mp4" in roles
        probed = [i.video_codec for i in inspected if i.file.role == "variant"] + [o.video_codec for o in kept_outputs]
        if codecs := probed_codecs(probed):
            video.output_codecs = codecs_text(codecs)
        if not (video.thumbnail_file_name or "").startswith("thumbnail_"):  # keep a custom thumbnail
            has_thumbnail = any(i.file.role == "image" for i in inspected)
            video.thumbnail_file_name = "thumbnail.jpg" if has_thumbnail else None
            video.thumbnail_count = 1 if has_thumbnail else 0
        sizes = [i.size for i in inspected] + [output.size for output in kept_outputs]
        video.storage_size = video.original_size + sum(sizes)
        video.save()
        # Plans the video played from before (JIT, fast start) end here; players that loaded their
        # playlists go on with the ladder's segments of the same names.
        grace = settings.OLD_OUTPUTS_GRACE_SECONDS + plans_retire(video=video, old_prefix=old_prefix)
        if old_prefix and old_prefix != prefix:
            transaction.on_commit(lambda: enqueue_in(grace, "low", DELETE_PREFIX, old_prefix), robust=True)


def destination_key(job: EncodingJob, path: str) -> str:
    """Where upload() put one of a job's files (`path` in the process's output) in the job's own
    S3 destination: its path below the job's folder, under the destination's key."""
    prefix = ((job.spec or {}).get("prefix") or "").strip("/")
    relative = path[len(prefix) + 1 :] if prefix and path.startswith(f"{prefix}/") else path
    return "/".join(p for p in ((job.destination or {}).get("key", "").strip("/"), relative) if p)

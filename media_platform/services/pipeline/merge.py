"""Partial recomputes: re-encode some renditions of a video, keep the rest.

A process whose recipe says {"merge": true} writes only the renditions it was asked for. Before
its outputs are uploaded, the renditions it did not touch are copied from the video's current
outputs into its new prefix (hard links on local storage, server-side copies on S3) and its master
playlist is rewritten to list both. Publishing then switches the video to a complete set at once,
exactly as for a full encode; the old set is never modified.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from media_platform.engine.spec import HlsJob
from media_platform.models import EncodingJob, EncodingOutput, EncodingProcess, Video
from media_platform.storage import copy_file, copy_tree, exists, open_read

from .keys import job_of

STREAM_INF = "#EXT-X-STREAM-INF:"
BANDWIDTH = re.compile(r"(?:^|,)BANDWIDTH=(\d+)")
SUBTITLES = re.compile(r'(?:^|,)SUBTITLES="[^"]*"')
# Probe-derived columns of a video that a recompute may leave alone (recomputeAllVideoInfo=false).
VIDEO_INFO_FIELDS = ("width", "height", "length", "framerate", "rotation", "source_info")


def wants_merge(process: EncodingProcess) -> bool:
    recipe = process.recipe or {}
    return bool(recipe.get("merge")) and process.video_id is not None and process.destination.get("kind") == "video"


# --- the master playlist ------------------------------------------------------------------
@dataclass(frozen=True)
class Variant:
    attributes: str
    uri: str

    @property
    def bandwidth(self) -> int:
        found = BANDWIDTH.search(self.attributes)
        return int(found.group(1)) if found else 0


def parse_master(text: str) -> tuple[list[str], list[Variant]]:
    """(header lines, variants) of a master playlist."""
    header, variants, pending = [], [], None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith(STREAM_INF):
            pending = line[len(STREAM_INF) :]
        elif pending is not None and line and not line.startswith("#"):
            variants.append(Variant(pending, line))
            pending = None
        elif line.startswith("#") and pending is None:
            header.append(line)  # every other tag, wherever it is, goes before the variants
    return header, variants


def merge_master(new_text: str, old_text: str, kept_uris: set[str]) -> str:
    """The new master with the old master's entries for `kept_uris` added, highest bandwidth first."""
    header, variants = parse_master(new_text)
    _, old_variants = parse_master(old_text)
    subtitles = next((m.group(0).lstrip(",") for v in variants if (m := SUBTITLES.search(v.attributes))), None)
    for old in old_variants:
        if old.uri in kept_uris and old.uri not in {v.uri for v in variants}:
            attributes = old.attributes
            if subtitles and not SUBTITLES.search(attributes):
                attributes = f"{attributes},{subtitles}"
            variants.append(Variant(attributes, old.uri))
    lines = list(header)
    for variant in sorted(variants, key=lambda v: v.bandwidth, reverse=True):
        lines += [STREAM_INF + variant.attributes, variant.uri]
    return "\n".join(lines) + "\n"


# --- before upload: copy the untouched renditions -----------------------------------------
def hls_job(process: EncodingProcess) -> HlsJob | None:
    row = EncodingJob.objects.filter(process=process, kind="hls").order_by("index").first()
    job = job_of(row) if row is not None else None
    return job if isinstance(job, HlsJob) else None


def kept_renditions(current: list[str], job: HlsJob) -> list[str]:
    written = {rendition.name for rendition in job.renditions}
    return [name for name in current if name not in written]


def in_job(job: HlsJob, path: str) -> str:
    """A path of the job's, relative to the process's output root."""
    return f"{job.prefix.strip('/')}/{path}".lstrip("/")


def merge_untouched_renditions(process: EncodingProcess, outdir: Path, new_prefix: str) -> list[str]:
    """Copy the renditions this process did not write from the video's current outputs into
    `new_prefix`, and make the local master list them. Returns the renditions kept."""
    assert process.video_id is not None  # only a video's recompute merges
    video = Video.objects.only("outputs_prefix", "available_resolutions").get(pk=process.video_id)
    job = hls_job(process)
    old_prefix = video.outputs_prefix.strip("/")
    if job is None or not old_prefix:
        return []
    kept = kept_renditions(video.resolutions, job)
    for name in kept:
        folder = os.path.dirname(in_job(job, job.variant_playlist.format(name=name)))
        if folder:
            copy_tree(f"{old_prefix}/{folder}", f"{new_prefix}/{folder}")
        mp4 = in_job(job, job.mp4_fallback_pattern.format(name=name))
        if exists(f"{old_prefix}/{mp4}"):
            copy_file(f"{old_prefix}/{mp4}", f"{new_prefix}/{mp4}")
    master = outdir / in_job(job, job.playlist_name)
    old_master = f"{old_prefix}/{in_job(job, job.playlist_name)}"
    if kept and master.exists() and exists(old_master):
        with open_read(old_master) as handle:
            old_text = handle.read().decode()
        uris = {job.variant_playlist.format(name=name) for name in kept}
        master.write_text(merge_master(master.read_text(), old_text, uris))
    return kept


# --- at publish: the kept renditions become part of this process's outputs ----------------
def adopt_kept_outputs(process: EncodingProcess, video: Video, written: set[str]) -> tuple[list[str], list]:
    """(renditions kept, their EncodingOutput rows copied onto this process). Called in the
    publishing transaction, with `video` still pointing at the previous outputs."""
    kept = [name for name in video.resolutions if name not in written]
    if not kept:
        return [], []
    previous_id = video.outputs_prefix.rstrip("/").rsplit("/", 1)[-1]
    job = EncodingJob.objects.filter(process=process, kind="hls").order_by("index").first()
    if job is None:
        return kept, []
    previous = EncodingOutput.objects.filter(
        job__process__video_id=video.pk,
        job__process__public_id=previous_id,
        rendition__in=kept,
        role__in=("variant", "mp4"),
    )
    copies = []
    for output in previous:
        output.pk, output.job = None, job
        copies.append(output)
    return kept, EncodingOutput.objects.bulk_create(copies)


def video_info_updates(current: dict, probed: dict, *, recompute_all: bool) -> dict:
    """Which probe-derived fields a run writes: all of them, or only those the video lacks."""
    if recompute_all:
        return dict(probed)
    return {name: value for name, value in probed.items() if current.get(name) in (None, 0, 0.0, "", {}, [])}

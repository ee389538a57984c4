"""bunny's resolutions/cleanup: delete chosen renditions (every codec's), MP4 fallbacks or the
original of a video, and make the video say so: its master stops listing them, its resolutions,
MP4 flag and storage size follow. The master is rewritten first; the files go after commit."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from django.db import transaction

from media_platform.engine.ladder import parse_resolutions, rung_sort_key
from media_platform.models import Video
from media_platform.selectors.storage_size import published_outputs
from media_platform.services.pipeline.merge import STREAM_INF, parse_master
from media_platform.services.queueing import enqueue_on_commit
from media_platform.storage import exists, list_files, open_read, save_bytes

DELETE_FILE = "media_platform.jobs.maintenance.delete_file"
DELETE_PREFIX = "media_platform.jobs.maintenance.delete_prefix"
MASTER = "playlist.m3u8"
CMAF_PLAYLIST = re.compile(r"^(?P<folder>.+)/media_(?P<rep>\d+)\.m3u8$")


class CleanupRefused(ValueError):
    pass


@dataclass
class Cleanup:
    resolutions: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # storage names (a trailing "/" is a whole folder)
    original: bool = False
    freed: int = 0

    def describe(self, dry_run: bool) -> str:
        verb = "Would delete" if dry_run else "Deleted"
        if not (self.files or self.original):
            return "Nothing to delete."
        parts = [f"resolutions {', '.join(self.resolutions)}"] if self.resolutions else []
        parts += [f"{len(self.files)} files or folders"] if self.files else []
        parts += ["the original"] if self.original else []
        return f"{verb} {'; '.join(parts)} ({self.freed} bytes)."


def chosen_resolutions(video: Video, named: str | None, non_configured: bool) -> list[str]:
    configured = set(parse_resolutions(video.library.enabled_resolutions))
    wanted = set(parse_resolutions(named or "")) | {name.strip() for name in (named or "").split(",") if name.strip()}
    return [r for r in video.resolutions if r in wanted or (non_configured and r not in configured)]


def _rendition_files(prefix: str, path: str) -> list[str]:
    """The stored files of one variant: a ladder's folder, or one representation of a CMAF folder."""
    found = CMAF_PLAYLIST.match(path)
    if found is None:
        return [f"{prefix}/{posixpath.dirname(path)}/"]
    folder, rep = found.group("folder"), found.group("rep")
    own = re.compile(rf"^(?:media_{rep}\.m3u8|init-{rep}\.m4s|chunk-{rep}-\d+\.m4s)$")
    return [name for name in list_files(f"{prefix}/{folder}") if own.match(posixpath.basename(name))]


def plan_cleanup(
    video: Video, resolutions: list[str], *, delete_original: bool, delete_mp4: bool
) -> tuple[Cleanup, list]:
    """(what goes, the output rows that go with it)."""
    if resolutions and set(resolutions) >= set(video.resolutions):
        raise CleanupRefused("At least one resolution must remain: reencode or delete the video instead.")
    plan, rows = Cleanup(resolutions=sorted(resolutions, key=rung_sort_key)), []
    prefix = video.outputs_prefix.strip("/")
    for output in published_outputs(video) if prefix else []:
        variant = output.role == "variant" and output.rendition in resolutions
        mp4 = output.role == "mp4" and (delete_mp4 or output.rendition in resolutions)
        if variant or mp4:
            rows.append(output)
            plan.freed += output.size
            plan.files += _rendition_files(prefix, output.path) if variant else [f"{prefix}/{output.path}"]
    if delete_original and video.has_original:
        plan.original, plan.freed = True, plan.freed + video.original_size
    return plan, rows


def without_variants(master: str, uris: set[str]) -> str:
    header, variants = parse_master(master)
    lines = list(header)
    for variant in variants:
        if variant.uri not in uris:
            lines += [STREAM_INF + variant.attributes, variant.uri]
    return "\n".join(lines) + "\n"


def without_representations(mpd: str, reps: set[str]) -> str:
    for rep in reps:
        mpd = re.sub(rf'\s*<Representation id="{rep}"[^>]*>.*?</Representation>', "", mpd, flags=re.S)
    return mpd


def _rewrite(name: str, change) -> None:
    if exists(name):
        with open_read(name) as handle:
            save_bytes(name, change(handle.read().decode()).encode())


def _rewrite_playlists(prefix: str, rows: list) -> None:
    variants = [row.path for row in rows if row.role == "variant"]
    _rewrite(f"{prefix}/{MASTER}", lambda text: without_variants(text, set(variants)))
    by_folder: dict[str, set[str]] = {}
    for path in variants:
        if found := CMAF_PLAYLIST.match(path):
            by_folder.setdefault(found.group("folder"), set()).add(found.group("rep"))
    for folder, reps in by_folder.items():
        _rewrite(
            f"{prefix}/{folder}/master.m3u8",
            lambda text, reps=reps: without_variants(text, {f"media_{r}.m3u8" for r in reps}),
        )
        _rewrite(f"{prefix}/{folder}/playlist.mpd", lambda text, reps=reps: without_representations(text, reps))


@transaction.atomic
def video_resolutions_cleanup(
    *,
    video: Video,
    resolutions: list[str],
    delete_original: bool = False,
    delete_mp4: bool = False,
    dry_run: bool = False,
) -> Cleanup:
    video = Video.objects.select_for_update().select_related("library").get(pk=video.pk)
    plan, rows = plan_cleanup(video, resolutions, delete_original=delete_original, delete_mp4=delete_mp4)
    if dry_run or not (rows or plan.original):
        return plan
    prefix = video.outputs_prefix.strip("/")
    _rewrite_playlists(prefix, rows)
    gone = {row.pk for row in rows}
    remaining = [o for o in published_outputs(video).only("role", "rendition") if o.pk not in gone]
    for row in rows:
        row.delete()
    video.available_resolutions = ",".join(r for r in video.resolutions if r not in resolutions)
    video.has_mp4_fallback = any(o.role == "mp4" for o in remaining)
    video.storage_size = max(0, video.storage_size - plan.freed)
    if plan.original:
        plan.files.append(video.original_name)
        video.has_original, video.original_size = False, 0
    video.save()
    for name in plan.files:
        enqueue_on_commit("low", DELETE_PREFIX if name.endswith("/") else DELETE_FILE, name.rstrip("/"))
    return plan

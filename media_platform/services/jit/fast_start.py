"""Fast start without JIT: an upload whose own streams a browser plays (H.264, AAC or no sound,
within the ladder's top rendition) is playable within seconds as they are — remuxed segment by
segment when first asked for, by the same on-demand machinery as JIT, at no CPU cost worth
capping. Status 3 while it plays that way, bunny's webhook 4 for it, 4 at Finished as usual.
(Other sources get their lowest rendition first from the worker: services.pipeline.first_rung.)"""

from __future__ import annotations

import logging

from django.conf import settings

from media_platform.engine.diagnostics import check_source
from media_platform.engine.fast_start import (
    COPY_FOLDER,
    copy_grid,
    copy_incompatibility,
    copy_label,
    copy_master,
)
from media_platform.engine.jit import media_playlist
from media_platform.engine.mp4index import read_index_fast
from media_platform.engine.probe import probe_file
from media_platform.engine.spec import HlsJob
from media_platform.models import EncodingProcess, PlaybackPlan, Video
from media_platform.services.pipeline import recipes
from media_platform.services.pipeline.run import limits
from media_platform.status import VideoStatus

from .prepare import publish_plan
from .sources import source_input, source_reader

log = logging.getLogger(__name__)


def copy_prepare(*, video: Video, process: EncodingProcess) -> PlaybackPlan | None:
    """The source's streams as a one-rendition master, when they can be played as they are."""
    try:
        path, protocols = source_input(video.original_name)
        info = probe_file(path, ffprobe=settings.FFPROBE_BINARY, protocols=protocols)
        if info.video is None or any(issue.is_fatal for issue in check_source(info, limits())):
            return None
        hls = next((job for job in recipes.expand(process, info) if isinstance(job, HlsJob)), None)
        if hls is None or not hls.renditions:
            return None
        top = max(min(r.width or 0, r.height or 0) for r in hls.renditions)
        index = read_index_fast(
            path,
            format_name=info.format_name,
            ffprobe=settings.FFPROBE_BINARY,
            protocols=protocols,
            opener=lambda: source_reader(video.original_name),
        )
        if not index.frames:
            return None
        reason = copy_incompatibility(info, top, index, max_gap=settings.JIT_MAX_KEYFRAME_GAP)
        if reason:
            log.info("no fast-start copy of %s: %s", video.guid, reason)
            return None
        spans = copy_grid(index, hls.segment_duration, format_name=info.format_name)
        playlist = f"{COPY_FOLDER}/video.m3u8"
        files = {
            playlist: media_playlist([span.duration for span in spans], "video%d.ts"),
            hls.playlist_name: copy_master(info, playlist),
        }
        return publish_plan(
            video, process, files, kind=PlaybackPlan.Kind.COPY, renditions=[COPY_FOLDER], shown=[copy_label(info)],
            status=VideoStatus.TRANSCODING, info=info, job=None, spans=spans,
        )  # fmt: skip
    except Exception:  # noqa: BLE001 - a fast start is a bonus: the ladder comes anyway
        log.exception("fast start of video %s failed", video.guid)
        return None

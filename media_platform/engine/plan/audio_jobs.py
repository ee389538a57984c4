"""The source's sound alone: one encode, written as an HLS audio rendition and a whole file."""

from __future__ import annotations

from typing import Any

import ffmpeg

from ..probe import SOURCE_FORMATS, SourceInfo
from ..spec import AudioJob
from .codecs import audio_options
from .graph import EncodeContext
from .outputs import PlannedFile, join
from .timeline import hls_sound, sound_from_start
from .video_jobs import tee_target


def plan_audio(job: AudioJob, index: int, info: SourceInfo, ctx: EncodeContext) -> tuple[list[Any], list[PlannedFile]]:
    """No video is decoded: `-vn` and the first audio stream only."""
    if not info.audio:
        return [], []
    source = ffmpeg.input(ctx.input_path, protocol_whitelist=ctx.protocols, format_whitelist=SOURCE_FORMATS)
    slaves: list[tuple[dict[str, Any], str]] = []
    files = []
    if job.playlist:
        playlist = join(job.prefix, job.playlist)
        options = {
            "f": "hls",
            "hls_time": f"{job.segment_duration:g}",
            "hls_playlist_type": "vod",
            "hls_segment_filename": join(job.prefix, job.segment_pattern),
        }
        slaves.append((options, playlist))
        files.append(PlannedFile(index, playlist, "audio"))
    if job.filename:
        path = join(job.prefix, job.filename)
        slaves.append(({"f": "mp4", "movflags": "+faststart"}, path))
        files.append(PlannedFile(index, path, "audio_file"))
    opts = audio_options(job.audio, source_rate=info.audio[0].sample_rate) | hls_sound(job.audio.codec)
    output = ffmpeg.output(
        sound_from_start(source[str(info.audio[0].index)]),
        tee_target(slaves),
        f="tee",
        vn=None,
        flags="+global_header",
        **opts,
    )
    return [output], files

"""Jobs that depend on the probed source: bunny's standard outputs for a video."""

from __future__ import annotations

import math
import secrets

from django.conf import settings

from media_platform.engine.ladder import build_ladder, mp4_fallback_names, parse_resolutions
from media_platform.engine.names import safe_join
from media_platform.engine.probe import SourceInfo, VideoStreamInfo
from media_platform.engine.spec import (
    AnimationJob,
    DashJob,
    Encryption,
    HlsJob,
    Job,
    SpeechToTextJob,
    StoryboardJob,
    ThumbnailJob,
)
from media_platform.models import EncodingProcess
from media_platform.services.output_codecs import ENGINE_CODECS, UnknownCodec, parse_output_codecs

THUMBNAIL_FILE = "thumbnail.jpg"


def storyboard_interval(duration: float) -> float:
    """A frame every 2 s (every second under 10 s), fewer for long videos: at most ~300 tiles."""
    if duration < 10:
        return 1.0
    return float(max(2, math.ceil(duration / 300)))


def bunny_video_jobs(process: EncodingProcess, info: SourceInfo) -> list[Job]:
    assert info.video is not None
    library, video = process.library, process.video
    recipe = process.recipe or {}
    enabled = recipe.get("resolutions") or parse_resolutions(library.enabled_resolutions)
    ladder = build_ladder(info.video, enabled, preset=settings.ENCODER_PRESET or None)
    mp4 = tuple(mp4_fallback_names(ladder)) if recipe.get("mp4_fallback", library.mp4_fallback) else ()
    thumbnail_ms = video.thumbnail_time if video is not None else None
    # AES-128: a new key per encode; the key URL is the platform's (services/pipeline/keys.py).
    encryption = Encryption(key=secrets.token_hex(16)) if library.encrypt_hls else None
    codec_jobs = [] if encryption else codec_ladders(process, info.video, enabled)
    masters = tuple(f"{job.prefix}/{job.hls_master_name}" for job in codec_jobs)
    hls = HlsJob(renditions=tuple(ladder), mp4_fallback=mp4, encryption=encryption, codec_masters=masters)
    jobs: list[Job] = [
        hls,
        *codec_jobs,
        ThumbnailJob(time=thumbnail_ms / 1000 if thumbnail_ms is not None else None, filename=THUMBNAIL_FILE),
        AnimationJob(filename="preview.webp"),
        StoryboardJob(interval=storyboard_interval(info.duration), columns=10, tile_width=160),
    ]
    if library.auto_captions:
        jobs.append(auto_captions_job(hls))
    return jobs


def codec_ladders(process: EncodingProcess, video: VideoStreamInfo, enabled: list[str]) -> list[DashJob]:
    """A fMP4/CMAF ladder per output codec beyond x264, in its own folder. Not for encrypted
    libraries: these ladders would play in the clear."""
    names = (process.recipe or {}).get("output_codecs")
    if not names:  # the library's codecs, and those the video was given before (a reencode keeps them)
        current = process.video.output_codecs if process.video is not None else ""
        try:
            names = parse_output_codecs(f"{process.library.output_codecs},{current}")
        except UnknownCodec:  # a setting naming an encoder this host lacks: the H.264 ladder alone
            names = ["x264"]
    return [
        DashJob(
            prefix=name,
            renditions=tuple(
                build_ladder(video, enabled, codec=ENGINE_CODECS[name], preset=settings.ENCODER_PRESET or None)
            ),
            hls_playlist=True,
            list_variants=True,
        )
        for name in names
        if name != "x264"
    ]


def auto_captions_job(hls: HlsJob) -> SpeechToTextJob:
    """Captions in the language heard: no files of its own; the transcript becomes the video's
    caption and a subtitle track of the master (services/pipeline/speech.py). Its failure (a silent
    source) costs the video nothing but the captions."""
    return SpeechToTextJob(
        transcript_file=None,
        json_file=None,
        srt_file=None,
        vtt_file=None,
        hls_master=safe_join(hls.prefix, hls.playlist_name),
        allow_soft_fail=True,
    )


def tpstreams_jobs(process: EncodingProcess, info: SourceInfo) -> list[Job]:
    """TPStreams: an HLS ladder of the requested resolutions the source allows (never upscaled;
    a source smaller than all of them gets the lowest at its own size), master `playlist.m3u8`,
    `<res>/video.m3u8` + segments, and `thumbnail.jpg`, all at the job's output_path."""
    assert info.video is not None  # check_source refused a file without video before this
    ladder = build_ladder(
        info.video, (process.recipe or {}).get("resolutions") or (), preset=settings.ENCODER_PRESET or None
    )
    return [HlsJob(renditions=tuple(ladder)), ThumbnailJob(filename=THUMBNAIL_FILE)]


RECIPES = {"bunny_video": bunny_video_jobs, "tpstreams": tpstreams_jobs}


def expand(process: EncodingProcess, info: SourceInfo) -> list[Job]:
    assert process.recipe is not None  # only processes with a recipe are expanded
    return RECIPES[process.recipe["name"]](process, info)

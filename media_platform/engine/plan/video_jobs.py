"""Builders for the jobs that encode video: HLS ladders (with MP4 fallbacks), MP4s, preview clips;
and the subtitle tracks that go with them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import ffmpeg

from ..ladder import display_size
from ..probe import SubtitleStreamInfo, copyable_subtitles
from ..spec import AudioSettings, HlsJob, Job, Mp4Job, Rendition, Trim
from ..transforms import Geometry, fit_within
from .codecs import audio_options, video_options
from .colour import colour_options
from .graph import Graph, fan_out
from .outputs import (
    Branch,
    Built,
    CencBoxes,
    Finisher,
    HlsMaster,
    HlsSubtitle,
    HlsVariant,
    Mp4DecodeTimes,
    Mp4Subtitles,
    PlannedFile,
    SubtitleSource,
    join,
)
from .timeline import hls_picture, hls_sound

MUXING = {"max_muxing_queue_size": 4096}
# The source's text subtitle streams, extracted as WebVTT by the shared decode (once, whichever
# jobs copy them); finishers cut them to each job's part of the timeline.
SUBTITLE_DUMPS = ".work/subtitles"


def scaled(stream: Any, rendition: Rendition, geometry: Geometry, graph: Graph) -> tuple[Any, int, int]:
    width, height = fit_within(
        geometry.width,
        geometry.height,
        rendition.width,
        rendition.height,
        upscale=rendition.upscale,
        aspect=picture_aspect(graph, geometry),
    )
    if rendition.video.fps:
        stream = stream.filter("fps", fps=round(rendition.video.fps, 3))
    if (width, height) != (geometry.width, geometry.height):
        stream = stream.filter("scale", width, height)
    return stream.filter("setsar", "1"), width, height


def picture_aspect(graph: Graph, geometry: Geometry) -> float | None:
    """The source's unrounded display aspect while the picture is still the decoded source (no
    crop or resize has made its size the truth), so renditions keep the aspect that trimming an
    odd side to even would have bent."""
    video = graph.info.video
    if video is None or (geometry.width, geometry.height) != display_size(video):
        return None
    return video.display_aspect


def source_fps(graph: Graph) -> float | None:
    video = graph.info.video
    return video.frame_rate if video else None


def expected_frames(rendition: Rendition, graph: Graph, seconds: float) -> int | None:
    fps = rendition.video.fps or source_fps(graph)
    return int(seconds * fps) if fps else None


def encode_options(rendition: Rendition, graph: Graph, *, with_audio: bool) -> dict[str, Any]:
    fps = rendition.video.fps or source_fps(graph)
    video = rendition.video
    if video.gop_frames:
        video = replace(video, gop_seconds=round(video.gop_frames / (fps or 30.0), 6))
    opts = video_options(video, fps=fps, threads=graph.ctx.threads)
    if with_audio:
        rate = graph.info.audio[0].sample_rate if graph.info.audio else None
        opts.update(audio_options(rendition.audio, source_rate=rate))
    if graph.ctx.output_ts_offset:
        opts["output_ts_offset"] = round(graph.ctx.output_ts_offset, 6)
    return {**opts, **MUXING}


def tee_target(slaves: list[tuple[dict[str, Any], str]]) -> str:
    """`[f=hls:opt=v]path|[f=mp4:…]path` — our paths are plain relative names, nothing to escape."""
    parts = []
    for options, path in slaves:
        spec = ":".join(f"{key}={value}" for key, value in options.items())
        parts.append(f"[{spec}]{path}")
    return "|".join(parts)


def hls_slave(
    job: HlsJob, name: str, graph: Graph, *, select: str | None = None, key_info: str | None = None
) -> tuple[dict[str, Any], str]:
    options: dict[str, Any] = {}
    if select:
        options["select"] = select
    # The muxer cuts at the first keyframe `hls_time` after the first packet it was given. A
    # span's first frame may lie a little after its segment boundary (a 29.97 fps frame grid
    # misses whole seconds), which would push every cut past the keyframe on the next boundary;
    # cutting a frame's length sooner lands each cut back on it (ctx.segment_cut_slack).
    cut = round(job.segment_duration - graph.ctx.segment_cut_slack, 6)
    if graph.ctx.stream_to:
        # Timestamps as the HLS muxer writes them (no muxing delay added), bytes out at once.
        return {"f": "mpegts", "mpegts_copyts": 1, "flush_packets": 1}, graph.ctx.stream_to
    options.update(
        {
            "f": "hls",
            "hls_time": f"{cut:g}",
            "hls_playlist_type": "vod",
            "hls_flags": "independent_segments",
            "hls_segment_filename": join(job.prefix, job.segment_pattern.format(name=name)),
            "start_number": graph.ctx.segment_start_number,
        }
    )
    if key_info:
        options["hls_key_info_file"] = key_info
    return options, join(job.prefix, job.variant_playlist.format(name=name))


def key_setup(job: HlsJob, index: int) -> tuple[str | None, tuple[tuple[str, bytes], ...]]:
    """AES-128: the key file and the key-info file the HLS muxer reads (written before ffmpeg
    runs, in the scratch folder, never published): key URI, key path, IV."""
    if job.encryption is None:
        return None, ()
    if not job.encryption.key_url:
        raise ValueError("an AES-128 HLS job needs the URL players fetch its key from")
    folder = f".work/{index}-hls-key"
    key_path, info_path = f"{folder}/key.bin", f"{folder}/key.info"
    info = f"{job.encryption.key_url}\n{key_path}\n{job.encryption.iv or ''}\n".replace("\n\n", "\n")
    return info_path, ((key_path, bytes.fromhex(job.encryption.key)), (info_path, info.encode()))


def build_hls(job: HlsJob, index: int, graph: Graph, branch: Branch) -> Built:
    renditions = list(job.renditions)
    separate_audio = job.separate_audio and branch.audio is not None
    fallback = set(job.mp4_fallback)
    takes_audio = [
        branch.audio is not None and not r.audio.mute and (not separate_audio or r.name in fallback) for r in renditions
    ]
    audio_needs = sum(takes_audio) + (1 if separate_audio else 0)
    audio_streams = iter(fan_out(branch.audio, audio_needs, audio=True)) if audio_needs else iter(())
    outputs, files, variants, mp4s = [], [], [], []
    key_info, setup = key_setup(job, index)
    videos = fan_out(branch.video, len(renditions))
    for rendition, video, with_audio in zip(renditions, videos, takes_audio, strict=True):
        video, width, height = scaled(video, rendition, branch.geometry, graph)
        picture = hls_picture(rendition.video.fps or source_fps(graph), output_ts_offset=graph.ctx.output_ts_offset)
        has_mp4 = rendition.name in fallback
        audio = next(audio_streams) if with_audio else None
        select = "v" if separate_audio and audio is not None else None
        slaves = [hls_slave(job, rendition.name, graph, select=select, key_info=key_info)]
        if has_mp4:
            mp4_path = join(job.prefix, job.mp4_fallback_pattern.format(name=rendition.name))
            slaves.append(({"f": "mp4", "movflags": "+faststart"}, mp4_path))
            files.append(PlannedFile(index, mp4_path, "mp4", rendition.name, width, height))
            if picture:  # packed decode times, which the MP4 gets back
                mp4s.append(Mp4DecodeTimes(index, mp4_path))
        streams = [video] + ([audio] if audio is not None else [])
        opts = encode_options(rendition, graph, with_audio=audio is not None)
        opts.update(colour_options(job, rendition, graph.info.video))
        opts.update(picture)
        opts.update(hls_sound(rendition.audio.codec) if audio is not None else {})
        opts["flags"] = "+global_header"  # MP4 needs codec headers up front; TS repeats them anyway
        outputs.append(ffmpeg.output(*streams, tee_target(slaves), f="tee", **opts))
        playlist = slaves[0][1]
        files.append(PlannedFile(index, playlist, "variant", rendition.name, width, height))
        variants.append(
            HlsVariant(
                rendition.name,
                playlist,
                width,
                height,
                rendition.video.fps or source_fps(graph),
                not separate_audio and audio is not None,
            )
        )
    audio_playlist = None
    if separate_audio:
        audio_playlist = join(job.prefix, "audio/audio.m3u8")
        outputs.append(audio_rendition(job, graph, next(audio_streams), audio_playlist, key_info))
        files.append(PlannedFile(index, audio_playlist, "audio"))
    master = join(job.prefix, job.playlist_name)
    files.append(PlannedFile(index, master, "master"))
    subtitles = hls_subtitles(job, index, graph, branch, files)
    finisher = HlsMaster(index, master, tuple(variants), audio_playlist, subtitles, job.encryption)
    frames = expected_frames(renditions[0], graph, branch.geometry.duration) if renditions else None
    dumps = (f".work/{index}-hls-key",) if key_info else ()
    finishers: list[Finisher] = [finisher, *mp4s]
    return Built(outputs, files, finishers, branch.geometry.duration, frames=frames, dumps=dumps, setup_files=setup)


def audio_rendition(job: HlsJob, graph: Graph, audio: Any, playlist: str, key_info: str | None) -> Any:
    """The sound in its own HLS rendition (separate_audio), as loud as the top rung's."""
    settings = job.renditions[-1].audio if job.renditions else AudioSettings()
    options = audio_options(settings, source_rate=None) | hls_sound(settings.codec)
    return ffmpeg.output(
        audio,
        playlist,
        f="hls",
        hls_time=f"{job.segment_duration:g}",
        hls_playlist_type="vod",
        hls_segment_filename=join(job.prefix, "audio/audio%d.ts"),
        start_number=graph.ctx.segment_start_number,
        **({"hls_key_info_file": key_info} if key_info else {}),
        **options,
        **MUXING,
    )


def hls_subtitles(job: HlsJob, index: int, graph: Graph, branch: Branch, files: list) -> tuple[HlsSubtitle, ...]:
    """Each subtitle track as subtitles/<name>.vtt with its playlist, both listed in `files`."""
    subtitles = tuple(
        HlsSubtitle(
            track,
            join(job.prefix, f"subtitles/{track.name}.vtt"),
            join(job.prefix, f"subtitles/{track.name}.m3u8"),
        )
        for track in subtitle_sources(job, graph, branch)
    )
    for item in subtitles:
        files.append(PlannedFile(index, item.vtt_path, "subtitles", item.track.language[:20]))
        files.append(PlannedFile(index, item.playlist_path, "subtitles_playlist", item.track.language[:20]))
    return subtitles


def build_mp4(job: Mp4Job, index: int, graph: Graph, branch: Branch) -> Built:
    video, width, height = scaled(branch.video, job.rendition, branch.geometry, graph)
    with_audio = branch.audio is not None
    streams = [video] + ([branch.audio] if with_audio else [])
    path = join(job.prefix, job.filename)
    opts = encode_options(job.rendition, graph, with_audio=with_audio)
    opts.update(colour_options(job, job.rendition, graph.info.video))
    output = ffmpeg.output(*streams, path, movflags="+faststart", **opts)
    files = [PlannedFile(index, path, "mp4", job.rendition.name, width, height)]
    frames = expected_frames(job.rendition, graph, branch.geometry.duration)
    tracks = subtitle_sources(job, graph, branch)
    finishers: list = []
    dumps: tuple[str, ...] = ()
    if tracks:
        folder = f".work/{index}-subtitles"
        finishers.append(Mp4Subtitles(index, path, tracks, folder))
        dumps = (folder,)
    if job.cenc is not None:
        finishers.append(CencBoxes(index, path, job.cenc))  # after the subtitles: it encrypts what they wrote
    return Built([output], files, finishers, branch.geometry.duration, frames=frames, dumps=dumps)


# --- Subtitles ----------------------------------------------------------------------------
def copied_subtitle_path(stream: SubtitleStreamInfo) -> str:
    return f"{SUBTITLE_DUMPS}/{stream.index}.vtt"


def subtitle_copy_outputs(jobs: Sequence[Job], graph: Graph) -> tuple[list[Any], tuple[str, ...]]:
    """(outputs extracting the source's text subtitle streams, scratch folders) when a job copies them."""
    if not any(getattr(job, "copy_subtitles", False) for job in jobs):
        return [], ()
    streams = copyable_subtitles(graph.info)
    outputs = [ffmpeg.output(graph.source[str(s.index)], copied_subtitle_path(s), f="webvtt") for s in streams]
    return outputs, ((SUBTITLE_DUMPS,) if streams else ())


def track_name(language: str) -> str:
    """A file name from a language tag: letters, digits and '-' only ("und" when nothing is left)."""
    return re.sub(r"[^A-Za-z0-9-]", "", language)[:35] or "und"


def subtitle_sources(job: HlsJob | Mp4Job, graph: Graph, branch: Branch) -> tuple[SubtitleSource, ...]:
    """The job's requested tracks, then the source's copied ones, named uniquely by language."""
    trims = [t for t in job.transformations if isinstance(t, Trim)]
    start = sum(max(0.0, float(t.start_time or 0)) for t in trims)
    duration = branch.geometry.duration if trims else None
    tracks = [(track.source, track.language) for track in job.subtitles]
    if job.copy_subtitles:
        tracks += [(copied_subtitle_path(s), s.language or "und") for s in copyable_subtitles(graph.info)]
    names: set[str] = set()
    sources = []
    for source, language in tracks:
        base = name = track_name(language)
        number = 2
        while name in names:
            name, number = f"{base}-{number}", number + 1
        names.add(name)
        sources.append(SubtitleSource(source, language, name, start, duration))
    return tuple(sources)

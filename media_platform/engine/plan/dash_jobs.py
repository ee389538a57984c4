"""DASH: each representation encoded once from the shared decode into an fMP4 of its own, then
packaged (stream copy) into the MPD and CMAF segments by a finisher — which is also where CENC
encryption happens, so a packager that does it right can be used for that step alone."""

from __future__ import annotations

from dataclasses import replace

import ffmpeg

from ..spec import DashJob, Rendition
from ..transforms import fit_within
from .codecs import audio_options
from .graph import Graph, fan_out
from .outputs import Branch, Built, DashPackage, PlannedFile, join
from .video_jobs import MUXING, encode_options, expected_frames, scaled


def dash_folder(index: int) -> str:
    return f".work/{index}-dash"


def _keyframes_within(rendition: Rendition, segment_duration: float) -> Rendition:
    """A segment starts on a keyframe: a GOP longer than the segments would make them longer."""
    video = rendition.video
    if video.gop_frames or video.gop_seconds <= segment_duration:
        return rendition
    return replace(rendition, video=replace(video, gop_seconds=segment_duration))


def _size(rendition: Rendition, branch: Branch) -> tuple[int, int]:
    return fit_within(
        branch.geometry.width, branch.geometry.height, rendition.width, rendition.height, upscale=rendition.upscale
    )


def build_dash(job: DashJob, index: int, graph: Graph, branch: Branch) -> Built:
    folder = dash_folder(index)
    renditions = [_keyframes_within(rendition, job.segment_duration) for rendition in job.renditions]
    outputs, videos = [], []
    for number, (rendition, stream) in enumerate(zip(renditions, fan_out(branch.video, len(renditions)), strict=True)):
        video, width, height = scaled(stream, rendition, branch.geometry, graph)
        # One AdaptationSet needs one display aspect: even sizes round it (426x240 is not 16:9),
        # so each representation's pixels get the tiny aspect that puts it back.
        shape = branch.geometry
        video = video.filter("setsar", sar=f"{shape.width * height}/{shape.height * width}", max=100000)
        path = f"{folder}/v{number}.mp4"
        outputs.append(ffmpeg.output(video, path, **encode_options(rendition, graph, with_audio=False)))
        videos.append(path)
    audio = None
    if branch.audio is not None and renditions:
        audio = f"{folder}/a.mp4"
        loudest = max((r.audio for r in renditions), key=lambda settings: settings.bitrate_kbps)
        options = audio_options(loudest, source_rate=graph.info.audio[0].sample_rate)
        outputs.append(ffmpeg.output(branch.audio, audio, vn=None, **options, **MUXING))
    manifest = join(job.prefix, job.manifest_name)
    files = [PlannedFile(index, manifest, "manifest")]
    if job.hls_playlist:
        files.append(PlannedFile(index, join(job.prefix, job.hls_master_name), "master"))
        if job.list_variants:  # the packager names representation n's HLS playlist media_<n>.m3u8
            files += [
                PlannedFile(index, join(job.prefix, f"media_{n}.m3u8"), "variant", r.name, *_size(r, branch))
                for n, r in enumerate(renditions)
            ]
    hls_master = job.hls_master_name if job.hls_playlist else None
    finisher = DashPackage(index, manifest, tuple(videos), audio, job.segment_duration, hls_master, job.cenc)
    frames = expected_frames(renditions[0], graph, branch.geometry.duration) if renditions else None
    return Built(outputs, files, [finisher], branch.geometry.duration, frames=frames, dumps=(folder,))

"""After ffmpeg: the files written from what it produced (the storyboard sprite and VTT, animations,
subtitled MP4s, transcripts, DASH and CENC packaging); the HLS master is masters.py's."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from pathlib import Path

import ffmpeg

from . import speech
from .captions import mp4_language
from .codec_masters import merge_codec_masters
from .decode_times import restore_decode_times
from .issues import FinishError, IssueCode
from .masters import cut_subtitles, write_master
from .packaging import encrypt_mp4, package_dash
from .plan import (
    AnimationFrames,
    CencBoxes,
    CodecVariants,
    DashPackage,
    Finisher,
    HlsMaster,
    Mp4DecodeTimes,
    Mp4Subtitles,
    StoryboardFrames,
    Transcription,
)
from .storyboard import storyboard_vtt

# --- Speech to text ---------------------------------------------------------------------------
RENDERERS = {"text": speech.transcript_text, "json": speech.transcript_json, "srt": speech.srt, "vtt": speech.webvtt}


def write_transcription(workdir: Path, finisher: Transcription, settings: speech.SpeechSettings) -> speech.Transcript:
    try:
        transcript = speech.transcribe(
            workdir / finisher.audio, mode=finisher.mode, language=finisher.language, settings=settings
        )
    except speech.SpeechError as exc:
        raise FinishError(f"Speech to text failed: {exc}", IssueCode.TRANSCRIPTION_FAILED) from exc
    for fmt, path in finisher.outputs:
        target = workdir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(RENDERERS[fmt](transcript), encoding="utf-8")
    return transcript


def mp4_subtitle_args(source: str, vtts: list[str], languages: list[str], target: str) -> list[str]:
    """Copy the MP4's streams and add each WebVTT file as a mov_text track with its language."""
    args = ["-i", source]
    for vtt in vtts:
        args += ["-i", vtt]
    args += ["-map", "0"]
    for number in range(len(vtts)):
        args += ["-map", f"{number + 1}:s:0"]
    args += ["-c", "copy", "-c:s", "mov_text"]
    for number, language in enumerate(languages):
        args += [f"-metadata:s:s:{number}", f"language={mp4_language(language)}"]
    return [*args, "-movflags", "+faststart", "-f", "mp4", target]


def write_mp4_subtitles(workdir: Path, finisher: Mp4Subtitles, ffmpeg_binary: str) -> None:
    folder = workdir / finisher.folder
    folder.mkdir(parents=True, exist_ok=True)
    vtts = []
    for number, track in enumerate(finisher.tracks):
        vtt = folder / f"{number}.vtt"
        vtt.write_text(cut_subtitles(workdir, track), encoding="utf-8")
        vtts.append(str(vtt))
    source = workdir / finisher.path
    target = source.with_name(f".{source.name}.subtitles")
    argv = [ffmpeg_binary, "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    argv += mp4_subtitle_args(str(source), vtts, [t.language for t in finisher.tracks], str(target))
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
        if result.returncode != 0:
            reason = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "ffmpeg failed"
            raise FinishError(f"adding subtitles to {finisher.path} failed: {reason}")
        os.replace(target, source)
    finally:
        target.unlink(missing_ok=True)


def _run(stream, ffmpeg_binary: str) -> None:
    argv = [ffmpeg_binary, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", *stream.get_args()]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
    if result.returncode != 0:
        raise FinishError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "ffmpeg failed")


def _frames(workdir: Path, folder: str, extension: str) -> int:
    """How many frames were dumped, renumbered 0…n-1 in order: pieces of a chunked encode
    number theirs by place in the whole timeline, and image2 stops at the first gap."""
    files = sorted((workdir / folder).glob(f"*.{extension}"), key=lambda path: int(path.stem))
    for number, path in enumerate(files):
        target = path.with_name(f"{number:05d}.{extension}")
        if path != target:
            path.rename(target)
    return len(files)


def write_storyboard(workdir: Path, finisher: StoryboardFrames, ffmpeg_binary: str) -> None:
    count = _frames(workdir, finisher.folder, "jpg")
    if not count:
        raise FinishError("the storyboard got no frames")
    columns = max(1, min(finisher.columns, count))
    rows = math.ceil(count / columns)
    frames = ffmpeg.input(str(workdir / finisher.folder / "%05d.jpg"), framerate=1, start_number=0)
    sprite = frames.filter("tile", layout=f"{columns}x{rows}")
    _run(
        ffmpeg.output(sprite, str(workdir / finisher.sprite_path), **{"frames:v": 1, "q:v": 3, "update": 1}),
        ffmpeg_binary,
    )
    text = storyboard_vtt(
        sprite=finisher.sprite_name,
        count=count,
        interval=finisher.interval,
        columns=columns,
        tile_width=finisher.tile_width,
        tile_height=finisher.tile_height,
        duration=finisher.duration,
    )
    (workdir / finisher.vtt_path).write_text(text)


def write_animation(workdir: Path, finisher: AnimationFrames, ffmpeg_binary: str) -> None:
    if not _frames(workdir, finisher.folder, "png"):
        raise FinishError("the animation got no frames")
    frames = ffmpeg.input(str(workdir / finisher.folder / "%05d.png"), framerate=f"{finisher.fps:g}", start_number=0)
    target = str(workdir / finisher.path)
    if target.lower().endswith(".gif"):
        # One palette for the whole animation: far better colour than GIF's fixed default.
        split = frames.filter_multi_output("split", 2)
        palette = split[0].filter("palettegen", max_colors=128, stats_mode="diff")
        picture = ffmpeg.filter([split[1], palette], "paletteuse", dither="bayer", bayer_scale=3)
        output = ffmpeg.output(picture, target, loop=0, **{"c:v": "gif"})
    else:
        options = {"c:v": "libwebp_anim", "loop": 0, "quality": 60, "compression_level": 4, "lossless": 0}
        output = ffmpeg.output(frames, target, **options)
    _run(output, ffmpeg_binary)


def apply_finishers(
    workdir: Path,
    finishers: tuple[Finisher, ...],
    scratch: tuple[str, ...] = (),
    *,
    ffmpeg_binary: str = "ffmpeg",
    ffprobe: str = "ffprobe",
    speech_settings: speech.SpeechSettings | None = None,
    packager_binary: str | None = None,
) -> dict[int, speech.Transcript]:
    """Runs each finisher; returns the transcripts heard, by job index."""
    transcripts = {}
    for finisher in finishers:
        if isinstance(finisher, HlsMaster):
            write_master(workdir, finisher, ffprobe)
        elif isinstance(finisher, StoryboardFrames):
            write_storyboard(workdir, finisher, ffmpeg_binary)
        elif isinstance(finisher, Mp4Subtitles):
            write_mp4_subtitles(workdir, finisher, ffmpeg_binary)
        elif isinstance(finisher, DashPackage):
            package_dash(workdir, finisher, packager_binary or ffmpeg_binary)
        elif isinstance(finisher, CencBoxes):
            encrypt_mp4(workdir, finisher, packager_binary or ffmpeg_binary)
        elif isinstance(finisher, CodecVariants):
            merge_codec_masters(workdir, finisher)
        elif isinstance(finisher, Mp4DecodeTimes):
            restore_decode_times(workdir / finisher.path, ffmpeg=ffmpeg_binary, ffprobe=ffprobe)
        elif isinstance(finisher, Transcription):
            settings = speech_settings or speech.SpeechSettings()
            transcripts[finisher.job_index] = write_transcription(workdir, finisher, settings)
        else:
            write_animation(workdir, finisher, ffmpeg_binary)
    for folder in scratch:
        shutil.rmtree(workdir / folder, ignore_errors=True)
        parent = (workdir / folder).parent
        if parent != workdir and parent.exists() and not any(parent.iterdir()):
            parent.rmdir()
    return transcripts

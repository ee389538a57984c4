"""After ffmpeg: the small files written from what it produced (master playlist, storyboard VTT)."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import ffmpeg

from . import speech
from .captions import CaptionError, language_name, mp4_language, window_webvtt, with_timestamp_map
from .codec_masters import merge_codec_masters
from .decode_times import restore_decode_times
from .hls import (
    SUBTITLES_GROUP,
    SubtitleMedia,
    VariantStream,
    audio_codec_string,
    master_playlist,
    measure_bandwidth,
    parse_segments,
    subtitle_media_line,
    subtitle_playlist,
    video_codec_string,
    with_target_duration,
)
from .issues import IssueCode
from .packaging import encrypt_mp4, package_dash
from .plan import (
    AnimationFrames,
    CencBoxes,
    CodecVariants,
    DashPackage,
    Finisher,
    HlsMaster,
    HlsSubtitle,
    HlsVariant,
    Mp4DecodeTimes,
    Mp4Subtitles,
    StoryboardFrames,
    SubtitleSource,
    Transcription,
)
from .plan.video_jobs import track_name
from .spec import Encryption
from .storyboard import storyboard_vtt

# MPEG-TS timestamps tick at 90 kHz.
MPEGTS_CLOCK = 90000


def probe_streams(path: Path, ffprobe: str = "ffprobe", *, aes: tuple[str, str] | None = None) -> list[dict]:
    """The file's streams; with `aes` (key, IV in hex), of an AES-128 segment decrypted on the way
    in (ffmpeg's crypto protocol). Ciphertext probed as it is reads as noise, or as a wrong codec."""
    source = ["-key", aes[0], "-iv", aes[1], f"crypto:{path}"] if aes else [str(path)]
    result = subprocess.run(
        [ffprobe, "-v", "error", "-print_format", "json", "-show_streams", *source],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return json.loads(result.stdout or "{}").get("streams", []) if result.returncode == 0 else []


def _measure(workdir: Path, playlist: str) -> tuple[int, int, Path | None]:
    playlist_path = workdir / playlist
    segments = parse_segments(playlist_path.read_text())
    folder = playlist_path.parent
    sizes = {s.uri: (folder / s.uri).stat().st_size for s in segments if (folder / s.uri).exists()}
    peak, average = measure_bandwidth(segments, sizes)
    first = folder / segments[0].uri if segments else None
    return peak, average, first


def segment_key(encryption: Encryption | None, playlist: Path) -> tuple[str, str] | None:
    """(key, IV) of the playlist's first segment: the job's IV, or else (as players do) the
    segment's media sequence number."""
    if encryption is None:
        return None
    if encryption.iv:
        return encryption.key, encryption.iv.lower().removeprefix("0x")
    found = re.search(r"^#EXT-X-MEDIA-SEQUENCE:(\d+)", playlist.read_text(), re.M)
    return encryption.key, f"{int(found.group(1)) if found else 0:032x}"


def _codecs(first_segment: Path | None, ffprobe: str, aes: tuple[str, str] | None = None) -> str:
    names = []
    for stream in probe_streams(first_segment, ffprobe, aes=aes) if first_segment else []:
        if stream.get("codec_type") == "video":
            names.append(video_codec_string(stream.get("codec_name", ""), stream.get("profile"), stream.get("level")))
        elif stream.get("codec_type") == "audio":
            names.append(audio_codec_string(stream.get("codec_name")) or stream.get("codec_name", ""))
    return ",".join(names) or "avc1.640028,mp4a.40.2"


def write_master(workdir: Path, finisher: HlsMaster, ffprobe: str = "ffprobe") -> None:
    master_dir = (workdir / finisher.path).parent
    for playlist in [v.playlist for v in finisher.variants] + [finisher.audio_playlist]:
        if playlist and (workdir / playlist).exists():
            text = (workdir / playlist).read_text()
            (workdir / playlist).write_text(with_target_duration(text))
    audio_peak = audio_average = 0
    audio_codec = ""
    if finisher.audio_playlist:
        audio_peak, audio_average, first_audio = _measure(workdir, finisher.audio_playlist)
        audio_codec = _codecs(first_audio, ffprobe, segment_key(finisher.encryption, workdir / finisher.audio_playlist))
    variants = []
    for variant in finisher.variants:
        variants.append(
            _variant_stream(workdir, master_dir, variant, ffprobe, audio_peak, audio_average, audio_codec, finisher)
        )
    audio_uri = os.path.relpath(workdir / finisher.audio_playlist, master_dir) if finisher.audio_playlist else None
    media = _write_subtitles(workdir, master_dir, finisher, ffprobe)
    (workdir / finisher.path).write_text(master_playlist(variants, audio_uri, media))


def cut_subtitles(workdir: Path, track: SubtitleSource) -> str:
    """The track's WebVTT cut to the job's part of the timeline; FinishError when unreadable."""
    try:
        text = (workdir / track.source).read_text(encoding="utf-8")
        return window_webvtt(text, track.start, track.duration)
    except (OSError, UnicodeDecodeError, CaptionError) as exc:
        raise FinishError(f"the {track.language} subtitles could not be read: {exc}") from exc


def _first_timestamp(workdir: Path, finisher: HlsMaster, ffprobe: str) -> tuple[int | None, float]:
    """(the first video segment's first MPEG-TS timestamp, the video's length) from the first variant."""
    if not finisher.variants:
        return None, 0.0
    playlist = workdir / finisher.variants[0].playlist
    return _playlist_start(playlist, ffprobe, segment_key(finisher.encryption, playlist))


def _playlist_start(playlist: Path, ffprobe: str, aes: tuple[str, str] | None = None) -> tuple[int | None, float]:
    segments = parse_segments(playlist.read_text())
    length = sum(s.duration for s in segments)
    if not segments or not segments[0].uri.endswith(".ts"):
        return None, length
    for stream in probe_streams(playlist.parent / segments[0].uri, ffprobe, aes=aes):
        if stream.get("codec_type") == "video" and stream.get("start_time") not in (None, "N/A"):
            return round(float(stream["start_time"]) * MPEGTS_CLOCK), length
    return None, length


def _write_subtitles(workdir: Path, master_dir: Path, finisher: HlsMaster, ffprobe: str) -> list[SubtitleMedia]:
    """Each track as subtitles/<name>.vtt and a one-segment playlist; what the master lists."""
    if not finisher.subtitles:
        return []
    mpegts, length = _first_timestamp(workdir, finisher, ffprobe)
    media = []
    for item in finisher.subtitles:
        media.append(write_hls_subtitle(workdir, master_dir, item, mpegts, length or item.track.duration or 0.0))
    return media


def write_hls_subtitle(
    workdir: Path, master_dir: Path, item: HlsSubtitle, mpegts: int | None, length: float
) -> SubtitleMedia:
    text = cut_subtitles(workdir, item.track)
    if mpegts is not None:
        text = with_timestamp_map(text, mpegts)
    vtt, playlist = workdir / item.vtt_path, workdir / item.playlist_path
    vtt.parent.mkdir(parents=True, exist_ok=True)
    vtt.write_text(text, encoding="utf-8")
    playlist.write_text(subtitle_playlist(os.path.relpath(vtt, playlist.parent), length))
    uri = os.path.relpath(playlist, master_dir)
    return SubtitleMedia(language_name(item.track.language), item.track.language, uri)


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


def add_master_subtitles(
    workdir: Path, master: str, vtt: str, language: str, label: str, ffprobe: str = "ffprobe"
) -> list[str]:
    """One more subtitle track in a master playlist that is already written: subtitles/<language>.vtt
    (or <language>-2 …) and its playlist beside the master, listed in its subtitle group. Returns
    the paths written, relative to workdir."""
    master_path = workdir / master
    text = master_path.read_text()
    master_dir = master_path.parent
    variants = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    mpegts, length = _playlist_start(master_dir / variants[0], ffprobe) if variants else (None, 0.0)
    base = name = track_name(language)
    number = 2
    while (master_dir / "subtitles" / f"{name}.vtt").exists():
        name, number = f"{base}-{number}", number + 1
    vtt_path = os.path.relpath(master_dir / "subtitles" / f"{name}.vtt", workdir)
    playlist_path = os.path.relpath(master_dir / "subtitles" / f"{name}.m3u8", workdir)
    (workdir / vtt_path).parent.mkdir(parents=True, exist_ok=True)
    (workdir / vtt_path).write_text(vtt, encoding="utf-8")
    item = HlsSubtitle(SubtitleSource(vtt_path, language, name), vtt_path, playlist_path)
    media = write_hls_subtitle(workdir, master_dir, item, mpegts, length)
    master_path.write_text(with_subtitle_media(text, replace(media, name=label)))
    return [vtt_path, playlist_path]


def with_subtitle_media(master: str, media: SubtitleMedia) -> str:
    """The master with `media` in its subtitle group, after the tracks it already lists; every
    variant names the group."""
    out, listed = [], False
    for line in master.rstrip("\n").split("\n"):
        if line.startswith("#EXT-X-STREAM-INF:"):
            if not listed:
                out.append(subtitle_media_line(media))
                listed = True
            if "SUBTITLES=" not in line:
                line += f',SUBTITLES="{SUBTITLES_GROUP}"'
        out.append(line)
    if not listed:
        out.append(subtitle_media_line(media))
    return "\n".join(out) + "\n"


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


def _variant_stream(
    workdir: Path,
    master_dir: Path,
    variant: HlsVariant,
    ffprobe: str,
    audio_peak: int,
    audio_average: int,
    audio_codec: str,
    finisher: HlsMaster,
) -> VariantStream:
    peak, average, first = _measure(workdir, variant.playlist)
    codecs = _codecs(first, ffprobe, segment_key(finisher.encryption, workdir / variant.playlist))
    if audio_codec:
        codecs = f"{codecs},{audio_codec}"
    return VariantStream(
        uri=os.path.relpath(workdir / variant.playlist, master_dir),
        bandwidth=peak + audio_peak,
        average_bandwidth=average + audio_average,
        width=variant.width,
        height=variant.height,
        codecs=codecs,
        frame_rate=variant.fps,
        audio_group="audio" if audio_codec else None,
    )


class FinishError(RuntimeError):
    """A finisher could not assemble its output from the frames the encode left."""

    def __init__(self, message: str, code: IssueCode = IssueCode.UNDEFINED):
        super().__init__(message)
        self.code = code


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

"""The HLS master playlist and the subtitle tracks it lists, written after ffmpeg from what it
produced: each variant's bandwidth measured from its segments and its CODECS probed from its first
segment (through its key, when the segments are AES-128 encrypted), subtitles cut to the job's part
of the timeline and mapped onto the video's MPEG-TS clock."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import replace
from pathlib import Path

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .captions import CaptionError, language_name, window_webvtt, with_timestamp_map
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
from .issues import FinishError
from .plan import HlsMaster, HlsSubtitle, HlsVariant, SubtitleSource
from .plan.video_jobs import track_name
from .spec import Encryption

PROBE_BYTES = 2 * 1024 * 1024  # of an encrypted segment, decrypted to be probed: its streams show early

# MPEG-TS timestamps tick at 90 kHz.
MPEGTS_CLOCK = 90000


def probe_streams(path: Path, ffprobe: str = "ffprobe", *, aes: tuple[str, str] | None = None) -> list[dict]:
    """The file's streams; with `aes` (key, IV in hex), of an AES-128 segment: ciphertext probed as
    it is reads as noise, or as a wrong codec. The segment's start is decrypted here and handed to
    ffprobe on its standard input, so the key never shows in a process list."""
    source, clear = str(path), None
    if aes:
        try:
            source, clear = "pipe:0", decrypted_start(path, *aes)
        except OSError:  # as ffprobe finds a missing file: nothing to tell
            return []
    result = subprocess.run(
        [ffprobe, "-v", "error", "-print_format", "json", "-show_streams", source],
        input=clear,
        capture_output=True,
        timeout=60,
        check=False,
    )
    return json.loads(result.stdout or b"{}").get("streams", []) if result.returncode == 0 else []


def decrypted_start(path: Path, key: str, iv: str) -> bytes:
    """The first PROBE_BYTES of an AES-128 (CBC) segment in the clear; the whole segment, unpadded,
    when it is no longer than that."""
    with path.open("rb") as file:
        data = file.read(PROBE_BYTES + 1)
    whole = len(data) <= PROBE_BYTES
    data = data[: len(data) - len(data) % 16] if whole else data[:PROBE_BYTES]
    decryptor = Cipher(algorithms.AES(bytes.fromhex(key)), modes.CBC(bytes.fromhex(iv))).decryptor()
    clear = decryptor.update(data) + decryptor.finalize()
    if whole and clear:
        unpadder = padding.PKCS7(128).unpadder()
        try:
            clear = unpadder.update(clear) + unpadder.finalize()
        except ValueError:  # not the padding AES-128 HLS writes: probe what there is
            pass
    return clear


def segment_key(encryption: Encryption | None, playlist: Path) -> tuple[str, str] | None:
    """(key, IV) of the playlist's first segment: the job's IV, or else (as players do) the
    segment's media sequence number."""
    if encryption is None:
        return None
    if encryption.iv:
        return encryption.key, encryption.iv.lower().removeprefix("0x")
    found = re.search(r"^#EXT-X-MEDIA-SEQUENCE:(\d+)", playlist.read_text(), re.M)
    return encryption.key, f"{int(found.group(1)) if found else 0:032x}"


def _measure(workdir: Path, playlist: str) -> tuple[int, int, Path | None]:
    playlist_path = workdir / playlist
    segments = parse_segments(playlist_path.read_text())
    folder = playlist_path.parent
    sizes = {s.uri: (folder / s.uri).stat().st_size for s in segments if (folder / s.uri).exists()}
    peak, average = measure_bandwidth(segments, sizes)
    first = folder / segments[0].uri if segments else None
    return peak, average, first


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

"""Look at what an encode produced: sizes, durations, codecs, checksums; and whether it is whole."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from media_platform.engine.hls import parse_segments
from media_platform.engine.plan import PlannedFile

INIT_SEGMENT = re.compile(r'^#EXT-X-MAP:URI="([^"]+)"', re.M)


@dataclass
class Inspected:
    file: PlannedFile
    size: int = 0
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    video_codec: str = ""
    audio_codec: str = ""
    bit_rate: int | None = None
    fps: float | None = None
    video_duration: float | None = None
    audio_duration: float | None = None
    md5: str = ""
    sha1: str = ""


def ffprobe(path: Path) -> dict:
    result = subprocess.run(
        [settings.FFPROBE_BINARY, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return json.loads(result.stdout or "{}") if result.returncode == 0 else {}


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _rate(text: str | None) -> float | None:
    if not text or "/" not in text:
        return None
    num, den = text.split("/", 1)
    return round(float(num) / float(den), 3) if float(den) else None


def _apply_probe(item: Inspected, data: dict) -> None:
    fmt = data.get("format") or {}
    item.duration = item.duration or _number(fmt.get("duration"))
    item.bit_rate = item.bit_rate or (int(_number(fmt.get("bit_rate")) or 0) or None)
    for stream in data.get("streams") or []:
        if stream.get("codec_type") == "video" and not item.video_codec:
            item.video_codec = stream.get("codec_name", "")
            item.width, item.height = stream.get("width") or item.width, stream.get("height") or item.height
            item.fps = _rate(stream.get("avg_frame_rate"))
            item.video_duration = _number(stream.get("duration"))
        elif stream.get("codec_type") == "audio" and not item.audio_codec:
            item.audio_codec = stream.get("codec_name", "")
            item.audio_duration = _number(stream.get("duration"))


def _checksums(item: Inspected, path: Path) -> None:
    md5, sha1 = hashlib.md5(usedforsecurity=False), hashlib.sha1(usedforsecurity=False)
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            md5.update(chunk)
            sha1.update(chunk)
    item.md5, item.sha1 = md5.hexdigest(), sha1.hexdigest()


def _playlist(item: Inspected, path: Path) -> None:
    segments = parse_segments(path.read_text())
    item.duration = round(sum(s.duration for s in segments), 3)
    item.size += sum((path.parent / s.uri).stat().st_size for s in segments if (path.parent / s.uri).exists())
    if segments:
        # fMP4 (CMAF) segments carry no codec headers: those are in the playlist's init segment.
        init = INIT_SEGMENT.search(path.read_text())
        _apply_probe(item, ffprobe(path.parent / (init.group(1) if init else segments[0].uri)))
        item.duration = round(sum(s.duration for s in segments), 3)  # the first segment's is not the whole
        item.video_duration = item.audio_duration = None
        if item.duration:
            item.bit_rate = int(item.size * 8 / item.duration)


def inspect_file(outdir: Path, planned: PlannedFile) -> Inspected | None:
    path = outdir / planned.path
    if not path.exists():
        return None
    item = Inspected(planned, size=path.stat().st_size, width=planned.width, height=planned.height)
    if planned.role in ("variant", "audio"):
        _playlist(item, path)
    elif planned.role in ("mp4", "image", "sprite"):
        _apply_probe(item, ffprobe(path))
        _checksums(item, path)
    elif planned.role == "animation":
        _checksums(item, path)
    return item


def inspect_outputs(outdir: Path, files: list[PlannedFile]) -> tuple[list[Inspected], list[PlannedFile]]:
    """(what exists, what was promised and is missing)."""
    found, missing = [], []
    for planned in files:
        item = inspect_file(outdir, planned)
        if item is None:
            missing.append(planned)
        else:
            found.append(item)
    return found, missing

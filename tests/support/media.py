"""Small media files made at test time with ffmpeg's lavfi sources: nothing is downloaded."""

from __future__ import annotations

import subprocess
from pathlib import Path


def make_clip(
    path: Path,
    *,
    size: str = "320x180",
    duration: float = 2.0,
    rate: int = 25,
    audio: bool = True,
    video: bool = True,
    extra: list[str] | None = None,
) -> Path:
    if path.exists():
        return path
    inputs: list[str] = []
    if video:
        inputs += ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={duration}"]
    if audio:
        inputs += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={duration}"]
    codecs = (["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"] if video else []) + (
        ["-c:a", "aac", "-b:a", "64k"] if audio else []
    )
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *inputs, *codecs, *(extra or []), str(path)]
    subprocess.run(command, check=True, timeout=120)
    return path


def ffprobe(path: Path | str, *entries: str) -> dict:
    import json

    command = ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout)


def decodes(path: Path | str) -> bool:
    """Every frame decodes without an error (ffmpeg reads it all to the null muxer)."""
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-xerror", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.returncode == 0 and not result.stderr.strip()

"""The benchmark's sources: 1080p H.264 at a realistic ~5 Mb/s and 1080p MPEG-2 (which needs a
full decode), 30 s encoded once, longer ones made in seconds by looping it with stream copy."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bench.stack import ROOT

FOLDER = ROOT / "var" / "bench" / "time_to_play"
LENGTHS = {"30s": 30, "10min": 600, "60min": 3600}
PATTERN = "testsrc2=size={size}:rate=30:duration=30,noise=alls=12:allf=t"
SOUND = "sine=frequency=440:sample_rate=48000:duration=30"
ENCODERS = {
    # what a phone or a camera hands over: 2 s keyframes, B-frames, AAC
    "h264": (
        ".mp4",
        ["-c:v", "libx264", "-preset", "veryfast", "-b:v", "5M", "-maxrate", "5M", "-bufsize", "10M", "-g", "60",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart"],
    ),
    # a broadcast file: MPEG-2 in MPEG-PS, 0.5 s GOPs, MP2 sound
    "mpeg2": (
        ".mpg",
        ["-c:v", "mpeg2video", "-b:v", "8M", "-maxrate", "10M", "-bufsize", "4M", "-g", "15", "-bf", "2",
         "-c:a", "mp2", "-b:a", "192k"],
    ),
}  # fmt: skip


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def source(codec: str, length: str, size: str = "1920x1080") -> Path:
    """The source of one case, made on first use and kept between runs."""
    suffix, options = ENCODERS[codec]
    target = FOLDER / f"{codec}-{length}-{size}{suffix}"
    if target.exists():
        return target
    FOLDER.mkdir(parents=True, exist_ok=True)
    base = FOLDER / f"{codec}-30s-{size}{suffix}"
    if not base.exists():
        ffmpeg("-f", "lavfi", "-i", PATTERN.format(size=size), "-f", "lavfi", "-i", SOUND, *options, str(base))
    if length != "30s":
        loops = LENGTHS[length] // 30 - 1
        extra = ["-movflags", "+faststart"] if suffix == ".mp4" else []
        ffmpeg("-stream_loop", str(loops), "-i", str(base), "-c", "copy", *extra, str(target))
    return target

"""Shared fixtures for the encoding engine's tests: recorded ffprobe JSON and small lavfi clips."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from media_platform.engine.probe import SourceInfo, parse_probe

FIXTURES = Path(__file__).parent / "fixtures"


def probe_json(name: str) -> dict:
    """The recorded `ffprobe -show_format -show_streams` JSON of fixtures/probe_<name>.json."""
    return json.loads((FIXTURES / f"probe_{name}.json").read_text())


def source_info(name: str) -> SourceInfo:
    return parse_probe(probe_json(name))


def ffmpeg(*args: str, cwd: Path) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error", *args], cwd=cwd, check=True)


@dataclass(frozen=True)
class Clips:
    folder: Path
    main: Path  # 640x360, 25 fps, 3 s, stereo 48 kHz
    odd: Path  # 427x239 lossless (odd sides), 1 s, no audio
    anamorphic: Path  # 352x288 with SAR 16:11 (shown 512x288), 1 s
    portrait: Path  # 320x180 stored, display matrix turns it to 180x320, 1 s with audio
    gray: Path  # flat gray 320x180, 1 s: watermark placement is visible in its pixels
    mark: Path  # 40x20 solid red PNG watermark


SINE = "sine=frequency=440:sample_rate=48000:duration={seconds}"
X264 = ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Clips:
    folder = tmp_path_factory.mktemp("clips")
    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=3"),
        *("-f", "lavfi", "-i", SINE.format(seconds=3)),
        *X264,
        *("-c:a", "aac", "-ac", "2", "main.mp4"),
        cwd=folder,
    )
    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=428x240:rate=25:duration=1"),
        *("-vf", "scale=427:239,format=yuv444p", "-c:v", "ffv1", "odd.mkv"),
        cwd=folder,
    )
    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=352x288:rate=25:duration=1"),
        *("-vf", "setsar=16/11", *X264, "anamorphic.mp4"),
        cwd=folder,
    )
    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=1"),
        *("-f", "lavfi", "-i", SINE.format(seconds=1)),
        *X264,
        *("-c:a", "aac", "landscape.mp4"),
        cwd=folder,
    )
    ffmpeg("-i", "landscape.mp4", "-c", "copy", "-metadata:s:v:0", "rotate=90", "portrait.mp4", cwd=folder)
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:size=320x180:rate=25:duration=1", *X264, "gray.mp4", cwd=folder)
    ffmpeg("-f", "lavfi", "-i", "color=c=red:size=40x20", "-frames:v", "1", "mark.png", cwd=folder)
    return Clips(
        folder=folder,
        main=folder / "main.mp4",
        odd=folder / "odd.mkv",
        anamorphic=folder / "anamorphic.mp4",
        portrait=folder / "portrait.mp4",
        gray=folder / "gray.mp4",
        mark=folder / "mark.png",
    )

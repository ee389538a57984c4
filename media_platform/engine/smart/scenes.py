"""Scene changes: ffmpeg's `scene` score (how different a frame is from the one before, 0–1),
on a small copy of the picture, for the frames above a threshold."""

from __future__ import annotations

import re
from dataclasses import dataclass

THRESHOLD = 0.3
FRAME = re.compile(r"pts_time:([0-9.]+)")
SCORE = re.compile(r"lavfi\.scene_score=([0-9.]+)")


@dataclass(frozen=True)
class Scene:
    time: float  # seconds
    score: float  # 0–1: how much the picture changed


def scene_argv(ffmpeg: str, source: str, *, threshold: float = THRESHOLD, width: int = 160) -> list[str]:
    """Decodes the picture only (no sound), scaled down: the scores of the changes print to stdout."""
    graph = f"scale={width}:-2,select='gt(scene,{threshold})',metadata=print:file=-"
    return [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-i", source, "-an", "-sn", "-dn"] + [
        "-vf",
        graph,
        "-f",
        "null",
        "-",
    ]


def parse_scene_changes(text: str) -> list[Scene]:
    """The metadata filter's lines: "frame:… pts:… pts_time:4.8" then "lavfi.scene_score=0.56"."""
    scenes, time = [], None
    for line in text.splitlines():
        if found := FRAME.search(line):
            time = float(found.group(1))
        elif (found := SCORE.search(line)) and time is not None:
            scenes.append(Scene(round(time, 3), round(float(found.group(1)), 4)))
            time = None
    return scenes

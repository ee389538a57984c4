"""`ffmpeg -progress pipe:1` output → Progress, one block at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    seconds: float
    done: bool
    speed: float | None = None
    frame: int = 0  # frames written to the first video output

    def fraction(self, total_seconds: float, total_frames: int | None = None) -> float:
        """Share done. Frames are the better measure when an output's timestamps run ahead
        of the others (ffmpeg reports the furthest output's time)."""
        if self.done:
            return 1.0
        if total_frames:
            return max(0.0, min(1.0, self.frame / total_frames))
        if total_seconds <= 0:
            return 0.0
        return max(0.0, min(1.0, self.seconds / total_seconds))


def parse_progress_block(lines: list[str]) -> Progress | None:
    """One block of `ffmpeg -progress pipe:1` output (key=value lines ending in progress=...)."""
    kv = dict(line.strip().split("=", 1) for line in lines if "=" in line)
    if "progress" not in kv:
        return None
    us = kv.get("out_time_us", "")
    seconds = int(us) / 1e6 if us.lstrip("-").isdigit() and int(us) > 0 else 0.0
    speed_text = kv.get("speed", "").rstrip("x").strip()
    try:
        speed = float(speed_text)
    except ValueError:
        speed = None
    frame = kv.get("frame", "0")
    return Progress(seconds, kv["progress"] == "end", speed, int(frame) if frame.isdigit() else 0)


def iter_progress(lines: Iterable[str]) -> Iterator[Progress]:
    """Group a stream of lines into blocks; each `progress=` line closes one."""
    block: list[str] = []
    for line in lines:
        block.append(line)
        if line.startswith("progress="):
            parsed = parse_progress_block(block)
            block = []
            if parsed is not None:
                yield parsed


class MonotonicThrottle:
    """Let a value through at most once per `interval` seconds, and only when it went up.

    The final value (1.0) always passes so the last write is never lost.
    """

    def __init__(self, interval: float = 1.0):
        self.interval = interval
        self.last_value = -1.0
        self.last_time = float("-inf")

    def offer(self, value: float, now: float) -> bool:
        if value <= self.last_value:
            return False
        if value < 1.0 and now - self.last_time < self.interval:
            return False
        self.last_value, self.last_time = value, now
        return True

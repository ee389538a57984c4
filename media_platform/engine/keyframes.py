"""The keyframe index of a source: every video packet's presentation time and whether it is a
keyframe, read by ffprobe from the packets alone (no decode), and what it tells about cutting
the source into segments: where each segment's first frame is, which keyframe its decode must
start from, and whether the source can be cut at all.

Times are seconds on the timeline every encode uses: the packet's time minus the container's
start time (what ffmpeg subtracts from every input)."""

from __future__ import annotations

import bisect
import subprocess
from dataclasses import dataclass
from fractions import Fraction

from .issues import InputError, Issue, IssueCode, Severity
from .probe import SOURCE_FORMATS


@dataclass(frozen=True)
class KeyframeIndex:
    frames: tuple[float, ...]  # every frame's presentation time, in order
    keyframes: tuple[float, ...]  # the keyframes', in order
    frame_duration: float  # the usual distance between frames
    missing_times: int = 0  # packets without a presentation time

    @property
    def end(self) -> float:
        """When the last frame stops being shown."""
        return self.frames[-1] + self.frame_duration if self.frames else 0.0

    def first_frame_at_or_after(self, time: float) -> float | None:
        at = bisect.bisect_left(self.frames, time - 1e-7)
        return self.frames[at] if at < len(self.frames) else None

    def keyframe_at_or_before(self, time: float) -> float | None:
        at = bisect.bisect_right(self.keyframes, time + 1e-7)
        return self.keyframes[at - 1] if at else None

    def frames_between(self, start: float, end: float | None) -> int:
        low = bisect.bisect_left(self.frames, start - 1e-7)
        high = len(self.frames) if end is None else bisect.bisect_left(self.frames, end - 1e-7)
        return max(0, high - low)

    def longest_keyframe_gap(self) -> float:
        """The most video one decode may have to go through before a frame it needs: between two
        keyframes, or from the last keyframe to the end."""
        if not self.keyframes:
            return float("inf")
        points = [*self.keyframes, self.end]
        return max(b - a for a, b in zip(points, points[1:], strict=False)) if len(points) > 1 else 0.0


def index_command(path: str, *, ffprobe: str = "ffprobe", protocols: str = "file,pipe") -> list[str]:
    return [
        ffprobe, "-v", "error", "-protocol_whitelist", protocols, "-format_whitelist", SOURCE_FORMATS,
        "-select_streams", "v:0", "-show_entries", "packet=pts,flags:stream=time_base:format=start_time",
        "-of", "csv=p=1", path,
    ]  # fmt: skip


def parse_index(text: str) -> KeyframeIndex:
    """ffprobe's csv: `packet,<pts>,<flags>` lines, then `stream,<time base>` and `format,<start>`."""
    packets: list[tuple[str, str]] = []
    time_base, start = Fraction(1, 1), Fraction(0)
    for line in text.splitlines():
        parts = line.split(",")
        if parts[0] == "packet" and len(parts) >= 3:
            packets.append((parts[1], parts[2]))
        elif parts[0] == "stream" and len(parts) >= 2 and "/" in parts[1]:
            num, den = parts[1].split("/", 1)
            if num.isdigit() and den.isdigit() and int(den):
                time_base = Fraction(int(num), int(den))
        elif parts[0] == "format" and len(parts) >= 2:
            try:
                start = Fraction(parts[1])
            except (ValueError, ZeroDivisionError):
                start = Fraction(0)
    frames, keyframes, missing = [], [], 0
    for pts, flags in packets:
        if not pts.lstrip("-").isdigit():
            missing += 1
            continue
        time = float(int(pts) * time_base - start)
        frames.append(time)
        if "K" in flags:
            keyframes.append(time)
    frames.sort()
    keyframes.sort()
    return KeyframeIndex(tuple(frames), tuple(keyframes), _usual_step(frames), missing)


def _usual_step(frames: list[float]) -> float:
    steps = sorted(b - a for a, b in zip(frames, frames[1:], strict=False) if b > a)
    return steps[len(steps) // 2] if steps else 1 / 25


def read_index(
    path: str, *, ffprobe: str = "ffprobe", protocols: str = "file,pipe", timeout: float = 300
) -> KeyframeIndex:
    try:
        result = subprocess.run(
            index_command(path, ffprobe=ffprobe, protocols=protocols),
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise InputError(
            Issue(Severity.ERROR, IssueCode.JIT_FAILED, "Reading the keyframe index took too long.")
        ) from exc
    if result.returncode != 0:
        reason = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "unknown error"
        raise InputError(Issue(Severity.ERROR, IssueCode.JIT_FAILED, f"The keyframe index could not be read: {reason}"))
    return parse_index(result.stdout)

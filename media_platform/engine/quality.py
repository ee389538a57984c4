"""Per-title quality: the CRF whose VMAF reaches a target, found on a few short samples.

A rendition with `vmaf_target` gets its CRF here, before the plan is built:

1. Windows: a source of up to 9 s is sampled whole; a longer one in three 2-second windows spread
   over its length (at 1/6, 3/6 and 5/6), where most titles show their typical and their busiest
   content. Times are of the job's own timeline (after its trims).
2. References: each window is cut once, through the job's own decode (tone mapping, deinterlacing,
   transformations, the rendition's scaling and frame rate), into raw frames: exactly the frames
   the encoder will be given (vmaf.py).
3. Probes: the references are encoded at a candidate CRF with the job's codec, preset and options
   and scored with libvmaf against them; the score of a CRF is the frame-weighted mean.
4. Search: start where typical content lands for the target, then interpolate on the measured
   curve of ln(100 - VMAF) against CRF, nearly a line where VMAF flattens towards 100
   (extrapolate with the measured slope until the target is bracketed); stop
   within half a point of the goal (target + 0.5), after five probes, or when the next CRF was
   already probed. x264/x265 CRFs move in steps of 0.5, svt-av1 in whole steps.

The chosen probe is the one closest to the goal among those that meet the target; none → the
best one found (the target is out of reach of the CRF range).
After the encode, vmaf.measure_output scores the whole output the same way and that is reported.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

# Samples: at most this many seconds in all; a source up to WHOLE_UP_TO seconds is scored whole.
SAMPLE_COUNT = 3
SAMPLE_SECONDS = 2.0
WHOLE_UP_TO = 9.0

# CRF ranges searched, steps, and where to start: (CRF at VMAF 90, CRF per VMAF point above 90).
CRF_LIMITS = {"h264": (8.0, 45.0), "h265": (8.0, 45.0), "av1": (10.0, 60.0)}
CRF_STEPS = {"h264": 0.5, "h265": 0.5, "av1": 1.0}
START = {"h264": (25.0, 1.0), "h265": (27.0, 1.0), "av1": (35.0, 1.6)}
# The search works on the quality gap ln(100 - VMAF), close to linear in the CRF where VMAF itself
# flattens towards 100. Its growth per CRF step of 1, before two probes measure it:
PRIOR_SLOPE = {"h264": 0.15, "h265": 0.15, "av1": 0.09}
SLOPE_LIMITS = (0.03, 0.6)
# Aim above the target: short samples score about half a point above the whole output (each starts
# on a keyframe, with no motion to its first frame), and the promise is the whole output's score.
MARGIN = 0.5
TOLERANCE = 0.5
MAX_PROBES = 5
MAX_JUMP = 12.0  # CRF steps one extrapolation may take


@dataclass(frozen=True)
class Window:
    start: float  # seconds into the job's timeline
    duration: float


@dataclass(frozen=True)
class Probe:
    crf: float
    vmaf: float


@dataclass(frozen=True)
class Choice:
    crf: float
    predicted: float  # the samples' VMAF at that CRF
    probes: tuple[Probe, ...]

    @property
    def summary(self) -> str:
        return ", ".join(f"CRF {crf_text(p.crf)} → {p.vmaf:.2f}" for p in self.probes)


def crf_text(crf: float) -> str:
    return f"{crf:g}"


def sample_windows(
    duration: float, *, count: int = SAMPLE_COUNT, seconds: float = SAMPLE_SECONDS, whole_up_to: float = WHOLE_UP_TO
) -> tuple[Window, ...]:
    """Where to sample a timeline of `duration` seconds (see the module's docstring)."""
    if duration <= whole_up_to or duration <= count * seconds:
        return (Window(0.0, round(max(duration, 0.0), 3)),)
    windows = []
    for number in range(count):
        centre = duration * (2 * number + 1) / (2 * count)
        start = min(max(0.0, centre - seconds / 2), duration - seconds)
        windows.append(Window(round(start, 3), seconds))
    return tuple(windows)


def start_crf(codec: str, target: float) -> float:
    at_90, per_point = START[codec]
    return at_90 - (target - 90.0) * per_point


def _snap(crf: float, codec: str) -> float:
    low, high = CRF_LIMITS[codec]
    step = CRF_STEPS[codec]
    snapped = min(high, max(low, round(crf / step) * step))
    return float(int(snapped)) if float(snapped).is_integer() else snapped


def gap(vmaf: float) -> float:
    return math.log(max(100.0 - vmaf, 0.05))


def next_crf(probes: dict[float, float], goal: float, prior_slope: float) -> float:
    """The next CRF to try: interpolated inside a bracket of the goal, extrapolated outside one
    (a secant through the two probes nearest the goal, or the prior slope after one probe)."""
    points = sorted((crf, gap(vmaf)) for crf, vmaf in probes.items())
    wanted = gap(goal)
    good = [(crf, g) for crf, g in points if g <= wanted]
    if good:
        crf_good, gap_good = max(good)  # the highest CRF still at or over the goal
        worse = [(crf, g) for crf, g in points if g > wanted and crf > crf_good]
        if worse:
            crf_bad, gap_bad = min(worse)
            return crf_good + (wanted - gap_good) * (crf_bad - crf_good) / (gap_bad - gap_good)
    nearest = sorted(points, key=lambda point: abs(point[1] - wanted))
    crf, value = nearest[0]
    slope = prior_slope
    if len(nearest) >= 2:
        other_crf, other_value = nearest[1]
        slope = min(max((other_value - value) / (other_crf - crf), SLOPE_LIMITS[0]), SLOPE_LIMITS[1])
    jump = (wanted - value) / slope  # quality to spare → a higher CRF
    return crf + min(max(jump, -MAX_JUMP), MAX_JUMP)


def pick(probes: dict[float, float], target: float, goal: float) -> Choice:
    acceptable = [(crf, vmaf) for crf, vmaf in probes.items() if vmaf >= target]
    if acceptable:
        crf, vmaf = min(acceptable, key=lambda point: (abs(point[1] - goal), -point[0]))
    else:
        crf, vmaf = max(probes.items(), key=lambda point: point[1])
    return Choice(crf, vmaf, tuple(Probe(c, v) for c, v in sorted(probes.items())))


def search_crf(score: Callable[[float], float], *, codec: str, target: float, max_probes: int = MAX_PROBES) -> Choice:
    """The CRF whose `score` (VMAF of the samples at a CRF) is closest to target + MARGIN."""
    goal = min(target + MARGIN, 99.5)
    probes: dict[float, float] = {}
    crf = _snap(start_crf(codec, target), codec)
    while len(probes) < max_probes and crf not in probes:
        probes[crf] = score(crf)
        if abs(probes[crf] - goal) <= TOLERANCE:
            break
        crf = _snap(next_crf(probes, goal, PRIOR_SLOPE[codec]), codec)
    return pick(probes, target, goal)

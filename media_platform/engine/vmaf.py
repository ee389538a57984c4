"""VMAF of an encode against the frames its encoder was given: the samples of the CRF search
(quality.py), and the whole output once encoded.

Two ffmpegs. The platform's (Debian's 5.1, `Tools.ffmpeg`) builds the reference through the
planner's own graph for the job (decode, tone mapping, deinterlacing, transformations, the
rendition's scaling and frame rate) and encodes the samples with the job's encoder options. The
VMAF one (`Tools.vmaf_ffmpeg`: a static build with libvmaf, such as imageio-ffmpeg's) decodes the
encode and scores it with libvmaf's built-in vmaf_v0.6.1 model; decoders are bit-exact, so the
two versions see the same pictures.

What the score measures: what the encoder lost, at the size it encoded. The reference is the
rendition as it was fed to the encoder, not the untouched source: a resize or a smaller rung is
the client's choice and no CRF could buy it back, so counting it would make targets unreachable
(a 270p rung never scores 96 against 1080p). Outputs above 1920x1080 are scored with both sides
scaled (bicubic) to fit 1920x1080, the viewing condition vmaf_v0.6.1 was trained for (1080p at
three picture heights) and a quarter of the work.
"""

from __future__ import annotations

import json
import math
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ffmpeg

from .ladder import display_size
from .plan.colour import colour_options, keeps_ten_bit
from .plan.graph import EncodeContext, Graph
from .plan.outputs import open_branch
from .plan.point_jobs import job_window
from .plan.video_jobs import encode_options, scaled, source_fps
from .probe import SourceInfo
from .quality import Window
from .spec import Job, Rendition, Trim
from .transforms import Geometry, fit_within

MODEL = "version=vmaf_v0.6.1"
MAX_SIZE = (1920, 1080)
# The whole output is scored on every frame up to this many, on every n-th frame beyond (libvmaf's
# n_subsample): an hour at 30 fps is scored on 1 frame in 60, in about a minute of libvmaf time.
MAX_SCORED_FRAMES = 1800
QUIET = ("-hide_banner", "-nostdin", "-y", "-loglevel", "error")


class QualityError(RuntimeError):
    """A sample could not be cut, encoded or scored (the search falls back; the encode goes on)."""


@dataclass(frozen=True)
class Tools:
    ffmpeg: str  # the platform's: references and sample encodes
    vmaf_ffmpeg: str  # one with libvmaf: scores
    threads: int = 0  # libvmaf's n_threads; 0 lets it use every core
    timeout: float = 900.0


@dataclass(frozen=True)
class Score:
    vmaf: float
    frames: int  # scored
    subsample: int = 1  # every n-th frame was scored


@dataclass(frozen=True)
class Reference:
    argv: tuple[str, ...]
    size: tuple[int, int]
    duration: float
    graph: Graph


def pixel_format(job: Job, rendition: Rendition, info: SourceInfo) -> str:
    return "yuv420p10le" if keeps_ten_bit(job, rendition, info.video) else "yuv420p"


def reference(job: Job, rendition: Rendition, info: SourceInfo, ctx: EncodeContext, target: str) -> Reference:
    """Raw frames (NUT) of the rendition exactly as the encoder receives them, written to `target`."""
    assert info.video is not None
    graph = Graph(info, ctx, [job], audio_consumers=0)
    width, height = display_size(info.video)
    branch = open_branch(job, graph, Geometry(width, height, graph.duration), wants_audio=False)
    stream, out_width, out_height = scaled(branch.video, rendition, branch.geometry, graph)
    output = stream.output(target, f="nut", vcodec="rawvideo", pix_fmt=pixel_format(job, rendition, info))
    return Reference((ctx.ffmpeg, *QUIET, *output.get_args()), (out_width, out_height), branch.geometry.duration, graph)


def window_reference(
    job: Job, rendition: Rendition, info: SourceInfo, ctx: EncodeContext, window: Window, target: str
) -> Reference:
    """The reference of one window of the job's timeline: its trims become an input seek."""
    start = job_window(job, info.duration).start + window.start
    untrimmed = replace(job, transformations=tuple(t for t in job.transformations if not isinstance(t, Trim)))
    seeked = replace(ctx, seek=round(start, 3) or None, until=round(start + window.duration, 3))
    return reference(untrimmed, rendition, info, seeked, target)


def sample_argv(job: Job, rendition: Rendition, ref: Reference, source: str, crf: float, target: str) -> list[str]:
    """Encode reference frames at `crf` with everything else as the rendition has it."""
    sample = replace(rendition, video=replace(rendition.video, crf=crf, vmaf_target=None, bitrate_kbps=None))
    opts = encode_options(sample, ref.graph, with_audio=False)
    opts.update(colour_options(job, sample, ref.graph.info.video))
    output = ffmpeg.input(source, f="nut").video.output(target, **opts)
    return [ref.graph.ctx.ffmpeg, *QUIET, *output.get_args()]


def vmaf_argv(
    tools: Tools, distorted: str, reference_path: str, size: tuple[int, int], log: str, *, subsample: int = 1
) -> list[str]:
    width, height = size
    scale = ""
    if width * height > MAX_SIZE[0] * MAX_SIZE[1]:
        fitted = fit_within(width, height, *MAX_SIZE, upscale=False)
        scale = f",scale={fitted[0]}:{fitted[1]}:flags=bicubic"
    options = f"model={MODEL}:n_threads={tools.threads}:n_subsample={subsample}:shortest=1:log_fmt=json:log_path={log}"
    graph = f"[0:v]setpts=PTS-STARTPTS{scale}[d];[1:v]setpts=PTS-STARTPTS{scale}[r];[d][r]libvmaf={options}"
    reference_input = ["-f", "nut", "-i", reference_path]
    return [tools.vmaf_ffmpeg, *QUIET, "-i", distorted, *reference_input, "-filter_complex", graph, "-f", "null", "-"]


def parse_log(text: str) -> Score:
    data = json.loads(text)
    frames = data.get("frames") or []
    pooled = (data.get("pooled_metrics") or {}).get("vmaf") or {}
    if not frames or "mean" not in pooled:
        raise QualityError("libvmaf scored no frames")
    return Score(round(float(pooled["mean"]), 3), len(frames))


def _run(argv: Sequence[str], cwd: Path, timeout: float) -> None:
    try:
        result = subprocess.run(list(argv), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise QualityError(f"{Path(argv[0]).name}: {exc}") from exc
    if result.returncode != 0:
        raise QualityError(f"{Path(argv[0]).name} failed: {result.stderr.strip()[-500:]}")


def _score(tools: Tools, folder: Path, log: str) -> Score:
    path = folder / log
    try:
        return parse_log(path.read_text())
    except (OSError, ValueError) as exc:
        raise QualityError(f"no VMAF log: {exc}") from exc
    finally:
        path.unlink(missing_ok=True)


class Samples:
    """The windows of one rendition, cut once, scored at any CRF (the `score` of quality.search_crf)."""

    def __init__(
        self, tools: Tools, folder: Path, job: Job, rendition: Rendition, info: SourceInfo, ctx: EncodeContext
    ):
        self.tools, self.folder, self.job, self.rendition = tools, folder, job, rendition
        self.info, self.ctx = info, ctx
        self.references: list[tuple[str, Reference]] = []

    def cut(self, windows: Sequence[Window]) -> None:
        for number, window in enumerate(windows):
            name = f"reference-{number}.nut"
            ref = window_reference(self.job, self.rendition, self.info, self.ctx, window, name)
            _run(ref.argv, self.folder, self.tools.timeout)
            self.references.append((name, ref))

    def score(self, crf: float) -> float:
        total = frames = 0.0
        for number, (name, ref) in enumerate(self.references):
            sample = f"sample-{number}.mp4"
            _run(sample_argv(self.job, self.rendition, ref, name, crf, sample), self.folder, self.tools.timeout)
            log = f"vmaf-{number}.json"
            _run(vmaf_argv(self.tools, sample, name, ref.size, log), self.folder, self.tools.timeout)
            result = _score(self.tools, self.folder, log)
            total += result.vmaf * result.frames
            frames += result.frames
        return round(total / frames, 3)


def measure_output(
    tools: Tools, job: Job, rendition: Rendition, info: SourceInfo, ctx: EncodeContext, output: Path
) -> Score:
    """VMAF of a whole encoded output (an MP4 or an HLS variant playlist); the reference is piped
    straight from the planner's decode, never stored."""
    with tempfile.TemporaryDirectory(prefix="vmaf-") as work:
        folder = Path(work)
        ref = reference(job, rendition, info, ctx, "pipe:1")
        fps = rendition.video.fps or source_fps(ref.graph) or 30.0
        subsample = max(1, math.ceil(ref.duration * fps / MAX_SCORED_FRAMES))
        argv = vmaf_argv(tools, str(output), "pipe:0", ref.size, "vmaf.json", subsample=subsample)
        _pipe(ref.argv, argv, folder, tools.timeout)
        score = _score(tools, folder, "vmaf.json")
    return replace(score, subsample=subsample)


def _pipe(producer_argv: Sequence[str], consumer_argv: Sequence[str], folder: Path, timeout: float) -> None:
    with open(folder / "reference.log", "w") as log:
        producer = subprocess.Popen(list(producer_argv), cwd=folder, stdout=subprocess.PIPE, stderr=log)
        consumer = None
        try:
            consumer = subprocess.Popen(
                list(consumer_argv),
                cwd=folder,
                stdin=producer.stdout,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            assert producer.stdout is not None
            producer.stdout.close()  # the consumer holds it now: the producer sees EOF/SIGPIPE when it stops
            _, stderr = consumer.communicate(timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise QualityError(f"VMAF measurement: {exc}") from exc
        finally:
            for process in (producer, consumer):
                if process is not None:
                    _stop(process)
    if consumer.returncode != 0:
        raise QualityError(f"VMAF measurement failed: {stderr.decode(errors='replace').strip()[-500:]}")


def _stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()

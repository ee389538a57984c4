"""Run one ffmpeg invocation: progress from `-progress pipe:1`, stderr kept, cancellable, bounded."""

from __future__ import annotations

import collections
import os
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .progress import iter_progress

STDERR_TAIL_LINES = 60
FFMPEG_SIGNALLED = 255


@dataclass
class RunResult:
    returncode: int
    elapsed: float
    stderr_tail: list[str] = field(default_factory=list)
    error_lines: list[str] = field(default_factory=list)
    warning_count: int = 0
    cancelled: bool = False
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.cancelled and not self.timed_out

    @property
    def killed_by_signal(self) -> bool:
        # ffmpeg catches SIGTERM/SIGINT and exits with 255 (and only then): stopped from outside,
        # as `docker stop` or a worker's shutdown does, not by anything in the file.
        return self.returncode < 0 or self.returncode == FFMPEG_SIGNALLED


def _limits(memory_bytes: int | None, nice: int = 0) -> Callable[[], None] | None:
    if not memory_bytes and not nice:
        return None

    def apply() -> None:
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        if nice:
            os.nice(nice)

    return apply


def _read_stderr(pipe, result: RunResult) -> None:
    tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
    for raw in iter(pipe.readline, ""):
        line = raw.rstrip()
        if not line:
            continue
        tail.append(line)
        if "[error]" in line or "[fatal]" in line:
            if len(result.error_lines) < 200:
                result.error_lines.append(line)
        elif "[warning]" in line:
            result.warning_count += 1
    result.stderr_tail = list(tail)


def _stop(process: subprocess.Popen, grace: float = 0.5) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds. What it wrote is thrown away, so there is
    no point letting ffmpeg flush its encoders (seconds at slow presets) before it goes."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def run_ffmpeg(
    argv: Sequence[str],
    *,
    cwd: Path,
    duration: float,
    frames: int | None = None,
    on_progress: Callable[[float], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
    timeout: float | None = None,
    memory_bytes: int | None = None,
    nice: int = 0,
) -> RunResult:
    """Run ffmpeg in `cwd`. on_progress gets a fraction 0..1; should_cancel is asked as it goes;
    `nice` lowers its CPU priority (background work yields to what a viewer waits for)."""
    started = time.monotonic()
    result = RunResult(returncode=-1, elapsed=0.0)
    process = subprocess.Popen(
        list(argv),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,  # its own process group, so a stop reaches every thread
        preexec_fn=_limits(memory_bytes, nice),
    )
    reader = threading.Thread(target=_read_stderr, args=(process.stderr, result), daemon=True)
    reader.start()
    finished = threading.Event()

    def watchdog() -> None:
        if not finished.wait(timeout or 0):
            result.timed_out = True
            _stop(process)

    if timeout:
        threading.Thread(target=watchdog, daemon=True).start()
    assert process.stdout is not None
    # readline, not iteration: a text pipe's iterator reads ahead and would hold progress back.
    for progress in iter_progress(iter(process.stdout.readline, "")):
        if should_cancel and should_cancel():
            result.cancelled = True
            _stop(process)
            break
        if on_progress:
            on_progress(progress.fraction(duration, frames))
    process.wait()
    finished.set()
    reader.join(timeout=10)
    result.returncode = process.returncode
    result.elapsed = time.monotonic() - started
    return result

"""Encode a few segments of one rendition on demand, in this (web) process.

One ffmpeg run decodes from the first segment's keyframe and writes the rendition as a stream,
which is cut on the grid as it grows (engine.tscut): each segment is readable byte by byte while
it is written, and stored under the plan's prefix as soon as it is whole. The run holds a slot
(the caps) and a claim per segment (one encode each), renewed while it lives.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import connection

from media_platform.engine.fast_start import copy_boundaries, copy_invocation
from media_platform.engine.issues import Issue, IssueCode, Severity
from media_platform.engine.jit import STREAM_FILE, run_boundaries, run_span, segment_invocation
from media_platform.engine.plan import EncodeContext, Invocation
from media_platform.engine.runner import RunResult, run_ffmpeg
from media_platform.engine.tscut import TsCutter
from media_platform.models import PlaybackPlan
from media_platform.storage import save_file

from . import limits
from .plans import PlanView
from .sources import source_input

log = logging.getLogger(__name__)
READ_CHUNK = 64 * 1024
POLL = 0.02
RENEW_EVERY = 5.0


class SegmentFailed(Exception):
    pass


class SegmentRun:
    """Segments `numbers` (consecutive) of one rendition, from one ffmpeg run."""

    def __init__(self, plan: PlanView, rendition: str, numbers: list[int], slot: limits.Slot, token: str):
        self.plan, self.rendition, self.numbers = plan, rendition, numbers
        self.slot, self.token = slot, token
        self.workdir = Path(settings.WORK_DIR) / "jit" / token
        self.complete: set[int] = set()  # whole in the work folder
        self.stored: set[int] = set()
        self.failed: dict[int, str] = {}
        self.finished = threading.Event()
        self.changed = threading.Condition()
        self.wrote = False
        self._cutter: TsCutter | None = None
        self._renewed = time.monotonic()

    def part(self, number: int) -> Path:
        return self.workdir / f"{number}.part"

    def whole(self, number: int) -> Path:
        return self.workdir / f"{number}.ts"

    def start(self) -> SegmentRun:
        for number in self.numbers:
            REGISTRY[(self.plan.id, self.rendition, number)] = self
        threading.Thread(target=self._main, name=f"jit-{self.token[:8]}", daemon=True).start()
        return self

    # --- the run ---------------------------------------------------------------------------
    def _main(self) -> None:
        try:
            self.workdir.mkdir(parents=True, exist_ok=True)
            result = run_span(self._plan, self._encode)
            if not result.ok:
                raise SegmentFailed(_reason(result))
        except Exception as exc:  # noqa: BLE001 - whatever broke, the segments not made fail
            if not isinstance(exc, SegmentFailed):
                log.exception("JIT run %s failed", self.token)
            self._fail([n for n in self.numbers if n not in self.complete], str(exc) or type(exc).__name__)
        finally:
            self._close()

    def _plan(self, earlier: float) -> Invocation:
        path, protocols = source_input(self.plan.source_name)
        first, count = self.numbers[0], len(self.numbers)
        if self.plan.kind == PlaybackPlan.Kind.COPY:
            return copy_invocation(
                path, self.plan.info, self.plan.spans, first, count, ffmpeg=settings.FFMPEG_BINARY, protocols=protocols
            )
        base = EncodeContext(
            input_path=path, ffmpeg=settings.FFMPEG_BINARY, threads=settings.FFMPEG_THREADS, protocols=protocols,
            max_pixels=settings.MAX_SOURCE_PIXELS,
        )  # fmt: skip
        assert self.plan.job is not None
        return segment_invocation(
            self.plan.job, self.rendition, self.plan.info, base, self.plan.spans, first, count,
            earlier=earlier,
        )  # fmt: skip

    def _encode(self, invocation: Invocation) -> RunResult:
        if self.wrote:  # a retry after bytes went out would send a reader two beginnings
            raise SegmentFailed("the run failed after it had started writing")
        stream = self.workdir / STREAM_FILE
        stream.unlink(missing_ok=True)
        done = threading.Event()
        cutter = threading.Thread(target=self._cut, args=(stream, done), daemon=True)
        cutter.start()
        seconds = sum(self.plan.spans[n].duration for n in self.numbers)
        try:
            result = run_ffmpeg(
                invocation.argv, cwd=self.workdir, duration=invocation.duration, frames=invocation.frames,
                on_progress=self._beat, timeout=300 + seconds * settings.FFMPEG_TIMEOUT_FACTOR,
            )  # fmt: skip
        finally:
            done.set()
            cutter.join(timeout=60)
        if result.ok:
            self._finish(len(self.numbers) - 1)  # the last one ends with the stream
        return result

    def _cut(self, stream: Path, done: threading.Event) -> None:
        """Follow the stream as ffmpeg writes it; route its bytes to the segments' files."""
        first, count = self.numbers[0], len(self.numbers)
        if self.plan.kind == PlaybackPlan.Kind.COPY:
            cutter = TsCutter(copy_boundaries(self.plan.spans, first, count))
        else:
            cutter = TsCutter(run_boundaries(self.plan.spans, first, count))
        self._cutter, current = cutter, 0
        handles: dict[int, BinaryIO] = {}
        while not stream.exists():
            if done.is_set():
                return
            time.sleep(POLL)
        with open(stream, "rb") as source:
            while True:
                data = source.read(READ_CHUNK)
                if not data:
                    if done.is_set() and not source.read(1):
                        break
                    time.sleep(POLL)
                    continue
                for piece in cutter.feed(data):
                    if piece.segment >= len(self.numbers):
                        continue  # past the run's end (a repeated last frame)
                    if piece.segment > current:
                        handles.pop(current).close()
                        self._finish(current)
                        current = piece.segment
                    if current not in handles:
                        handles[current] = open(self.part(self.numbers[current]), "wb")  # noqa: SIM115
                    handle = handles[current]
                    handle.write(piece.data)
                    handle.flush()
                    self.wrote = True
                self._notify()
        for handle in handles.values():
            handle.close()
        connection.close()  # a failure noted from this thread opened one

    def _finish(self, position: int) -> None:
        """Segment numbers[position] is whole: check it, then store it."""
        number = self.numbers[position]
        if number in self.complete or number in self.failed or not self.part(number).exists():
            return
        expected = self.plan.spans[number].frames
        frames = self._cutter.frames if self._cutter else []
        made = frames[position] if position < len(frames) else 0
        # The count comes from the source's frame times; the encoder retimes to a constant rate, so
        # where the source's own intervals are uneven (a join in a concatenated file) a segment can
        # hold one frame more or less than the source has in its span, exactly as the ladder's
        # segment does. A cut in the wrong place is off by far more.
        if expected and abs(made - expected) > 1:
            self._fail([number], f"it came out with {made} frames instead of {expected}")
            return
        os.replace(self.part(number), self.whole(number))
        self.complete.add(number)
        self._notify()
        save_file(self.plan.stored_key(self.rendition, number), self.whole(number))
        self.stored.add(number)
        limits.claim_release(self.plan.id, self.rendition, number, self.token)
        self._notify()

    def _beat(self, fraction: float) -> None:
        if time.monotonic() - self._renewed < RENEW_EVERY:
            return
        self._renewed = time.monotonic()
        self.slot.renew()
        for number in self.numbers:
            if number not in self.stored:
                limits.claim_renew(self.plan.id, self.rendition, number, self.token)

    def _fail(self, numbers: list[int], reason: str) -> None:
        if not numbers:
            return
        for number in numbers:
            self.failed[number] = reason
            limits.mark_failed(self.plan.id, self.rendition, number, reason)
        which = f"Segment {numbers[0]}" if len(numbers) == 1 else f"Segments {numbers[0]}-{numbers[-1]}"
        record_failure(self.plan, f"{which} of {self.rendition} could not be encoded on demand: {reason}")
        self._notify()

    def _close(self) -> None:
        for number in self.numbers:
            REGISTRY.pop((self.plan.id, self.rendition, number), None)
            if number not in self.stored:
                limits.claim_release(self.plan.id, self.rendition, number, self.token)
        self.slot.release()
        self.finished.set()
        self._notify()
        connection.close()
        # Readers that opened a segment keep reading it after this (the file stays until closed).
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _notify(self) -> None:
        with self.changed:
            self.changed.notify_all()

    # --- reading a segment while it is written ----------------------------------------------
    def read(self, number: int) -> Iterator[bytes]:
        """The segment's bytes as they are written; SegmentFailed when the run cannot make it.
        After the run, a segment it stored is read back from storage."""
        handle = self._open(number)
        if handle is None:
            yield from _stored_chunks(self.plan.stored_key(self.rendition, number))
            return
        with handle:
            while True:
                data = handle.read(READ_CHUNK)
                if data:
                    yield data
                    continue
                if number in self.complete:
                    if rest := handle.read():
                        yield rest
                    return
                if number in self.failed or self.finished.is_set():
                    raise SegmentFailed(self.failed.get(number, "the run ended without it"))
                self._wait()

    def _open(self, number: int):
        while True:
            for path in (self.part(number), self.whole(number)):
                try:
                    return open(path, "rb")
                except FileNotFoundError:
                    pass
            if number in self.stored:
                return None
            if number in self.failed or self.finished.is_set():
                raise SegmentFailed(self.failed.get(number, "the run ended without it"))
            self._wait()

    def _wait(self) -> None:
        with self.changed:
            self.changed.wait(POLL * 5)


# Segments being made in this process: (plan, rendition, number) → the run making it.
REGISTRY: dict[tuple[int, str, int], SegmentRun] = {}


def _stored_chunks(key: str) -> Iterator[bytes]:
    from media_platform.storage import open_read

    with open_read(key) as handle:
        while data := handle.read(READ_CHUNK):
            yield data


def _reason(result: RunResult) -> str:
    if result.timed_out:
        return "ffmpeg took too long"
    lines = result.error_lines or result.stderr_tail
    return " | ".join(lines[-2:]) or f"ffmpeg exited with {result.returncode}"


def record_failure(plan: PlanView, message: str) -> None:
    """JitFailed on the video's process, once per message: the ladder carries on."""
    from media_platform.models import EncodingProcess
    from media_platform.services.messages import transcoding_messages_add

    if plan.process_id is None:  # its process was deleted: nobody to tell
        return
    process = EncodingProcess.objects.filter(pk=plan.process_id).select_related("video").first()
    if process is not None:
        transcoding_messages_add(
            process=process, issues=[Issue(Severity.WARNING, IssueCode.JIT_FAILED, message[:2000])]
        )

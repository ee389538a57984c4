"""The keyframe index of an MP4/MOV straight from its sample tables, without reading the media.

ffprobe reads every packet to list them (about a second per GB); an MP4 already lists them in
its moov: decode times (stts), composition offsets (ctts), sync samples (stss), and the edit
that makes the first frame time zero (elst). Reading that takes milliseconds for an hour of
video. Only the plain case is read here — one video track, at most one edit, not fragmented —
and read_index_fast checks the result against the first packets ffprobe reports; anything else
goes to the full scan."""

from __future__ import annotations

import struct
import subprocess
from collections.abc import Callable
from typing import BinaryIO

from .keyframes import KeyframeIndex, index_command, parse_index, read_index
from .mp4boxes import iter_boxes

CHECKED_PACKETS = 24
MAX_MOOV = 512 * 1024 * 1024


def _child(data: bytes, start: int, end: int, *path: bytes) -> tuple[int, int] | None:
    for box in iter_boxes(data, start, end):
        if box.kind == path[0]:
            return (box.body, box.end) if len(path) == 1 else _child(data, box.body, box.end, *path[1:])
    return None


def _moov(handle: BinaryIO) -> bytes | None:
    """The moov box's body, found by walking the top-level box headers; None when fragmented."""
    offset, found = 0, None
    while True:
        handle.seek(offset)
        head = handle.read(16)
        if len(head) < 8:
            return found
        size, kind = struct.unpack_from(">I4s", head)
        header = 8
        if size == 1:
            size, header = struct.unpack_from(">Q", head, 8)[0], 16
        elif size == 0:
            handle.seek(0, 2)
            size = handle.tell() - offset
        if kind == b"moof" or size < header:
            return None
        if kind == b"moov":
            if size > MAX_MOOV:
                return None
            handle.seek(offset + header)
            found = handle.read(size - header)
        offset += size


def _full(data: bytes, box: tuple[int, int] | None) -> tuple[int, int]:
    """(version, where the fields start) of a full box."""
    assert box is not None
    return data[box[0]], box[0] + 4


def _table(data: bytes, box: tuple[int, int] | None, fields: str) -> list[tuple]:
    if box is None:
        return []
    _, at = _full(data, box)
    (count,) = struct.unpack_from(">I", data, at)
    size = struct.calcsize(fields)
    return [struct.unpack_from(fields, data, at + 4 + i * size) for i in range(count)]


def _video_track(moov: bytes) -> tuple[int, int] | None:
    for box in iter_boxes(moov):
        if box.kind != b"trak":
            continue
        hdlr = _child(moov, box.body, box.end, b"mdia", b"hdlr")
        if hdlr is not None and moov[hdlr[0] + 8 : hdlr[0] + 12] == b"vide":
            return box.body, box.end
    return None


def _edit_start(moov: bytes, trak: tuple[int, int]) -> int | None:
    """The media time the track's one edit starts at (0 without edits); None for other edits."""
    elst = _child(moov, *trak, b"edts", b"elst")
    if elst is None:
        return 0
    version, _ = _full(moov, elst)
    entries = _table(moov, elst, ">QqHH" if version == 1 else ">IiHH")
    if len(entries) != 1 or entries[0][1] < 0 or entries[0][2] != 1:
        return None
    return entries[0][1]


def sample_times(moov: bytes) -> tuple[list[int], list[bool], int] | None:
    """(presentation times in decode order, keyframe flags, timescale) of the first video
    track, up to a constant (its one edit, the container's start: read_index_fast takes it from
    ffprobe's first packets); None if not the plain case."""
    trak = _video_track(moov)
    if trak is None or _child(moov, 0, len(moov), b"mvex") is not None:  # fragmented: samples are elsewhere
        return None
    mdhd = _child(moov, *trak, b"mdia", b"mdhd")
    stbl = _child(moov, *trak, b"mdia", b"minf", b"stbl")
    edit = _edit_start(moov, trak)
    if mdhd is None or stbl is None or edit is None:
        return None
    version, at = _full(moov, mdhd)
    timescale = struct.unpack_from(">I", moov, at + (16 if version == 1 else 8))[0]
    dts = 0
    times: list[int] = []
    for count, delta in _table(moov, _child(moov, *stbl, b"stts"), ">II"):
        times += range(dts, dts + count * delta, delta) if delta else [dts] * count
        dts += count * delta
    ctts_box = _child(moov, *stbl, b"ctts")
    if ctts_box is not None:
        signed = ">Ii" if _full(moov, ctts_box)[0] == 1 else ">II"
        offsets = [offset for count, offset in _table(moov, ctts_box, signed) for _ in range(count)]
        if len(offsets) != len(times):
            return None
        times = [t + o for t, o in zip(times, offsets, strict=True)]
    stss = _child(moov, *stbl, b"stss")
    if stss is None:
        keys = [True] * len(times)
    else:
        sync = {number for (number,) in _table(moov, stss, ">I")}
        keys = [i + 1 in sync for i in range(len(times))]
    return times, keys, timescale


def read_index_fast(
    path: str,
    *,
    format_name: str,
    ffprobe: str = "ffprobe",
    protocols: str = "file,pipe",
    opener: Callable[[], BinaryIO] | None = None,
) -> KeyframeIndex:
    """The index from the moov when the first packets ffprobe reports agree with it; otherwise
    (another container, edits it does not read, any disagreement) ffprobe's full scan. `opener`
    gives the file to read the moov from when `path` is a URL (ranged reads of an S3 object)."""
    if format_name == "mov" and (opener is not None or protocols.startswith("file")):
        try:
            index = _from_moov(path, ffprobe, protocols, opener or (lambda: open(path, "rb")))
        except (OSError, ValueError, struct.error, subprocess.SubprocessError):
            index = None
        if index is not None:
            return index
    return read_index(path, ffprobe=ffprobe, protocols=protocols)


def _from_moov(path: str, ffprobe: str, protocols: str, opener: Callable[[], BinaryIO]) -> KeyframeIndex | None:
    with opener() as handle:
        moov = _moov(handle)
    parsed = sample_times(moov) if moov else None
    if not parsed:
        return None
    times, keys, timescale = parsed
    head = _first_packets(path, ffprobe, protocols)
    if not head.frames:
        return None
    start = head.frames[0] - min(times[:CHECKED_PACKETS]) / timescale
    # to the nanosecond, as ffprobe's exact ticks are: a keyframe on 16 s must not read 15.999999999999998
    frames = [round(t / timescale + start, 9) for t in times]
    keyframes = [time for time, key in zip(frames, keys, strict=True) if key]
    checked = sorted(frames[:CHECKED_PACKETS])
    checked_keys = [time for time, key in zip(frames[:CHECKED_PACKETS], keys, strict=False) if key]
    if not (_same(checked, head.frames) and _same(sorted(checked_keys), head.keyframes)):
        return None
    frames.sort()
    keyframes.sort()
    steps = sorted(b - a for a, b in zip(frames, frames[1:], strict=False) if b > a)
    return KeyframeIndex(tuple(frames), tuple(keyframes), steps[len(steps) // 2] if steps else 1 / 25)


def _first_packets(path: str, ffprobe: str, protocols: str) -> KeyframeIndex:
    command = index_command(path, ffprobe=ffprobe, protocols=protocols)
    at = command.index("-select_streams")
    command[at:at] = ["-read_intervals", f"%+#{CHECKED_PACKETS}"]
    return parse_index(subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout)


def _same(ours: list[float], theirs: tuple[float, ...]) -> bool:
    return len(ours) == len(theirs) and all(abs(a - b) <= 1e-6 for a, b in zip(ours, theirs, strict=True))

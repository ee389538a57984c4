"""ISO-BMFF boxes, just enough to find them and to add a `pssh` to a `moov`.

ffmpeg writes CENC's `tenc` but no `pssh` (the DRM system's data a player hands its CDM), so
the requested one is inserted into the init segment (or the MP4's moov) afterwards.
"""

from __future__ import annotations

import base64
import binascii
import struct
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"moof", b"traf", b"mvex", b"sinf", b"schi", b"edts"}
# Sample entries that hold child boxes after their fixed fields (encrypted video and audio).
ENTRY_FIELDS = {b"encv": 78, b"enca": 28, b"avc1": 78, b"hvc1": 78, b"mp4a": 28}


@dataclass(frozen=True)
class Box:
    kind: bytes
    start: int
    size: int
    header: int

    @property
    def body(self) -> int:
        return self.start + self.header

    @property
    def end(self) -> int:
        return self.start + self.size


def iter_boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[Box]:
    end = len(data) if end is None else end
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, offset)
        header = 8
        if size == 1:
            size, header = struct.unpack_from(">Q", data, offset + 8)[0], 16
        elif size == 0:
            size = end - offset
        if size < header or offset + size > end:
            raise ValueError(f"malformed box {kind!r} at {offset}")
        yield Box(kind, offset, size, header)
        offset += size


def find_all(data: bytes, kind: bytes, start: int = 0, end: int | None = None) -> list[Box]:
    """Every box of `kind`, searching into containers, stsd and sample entries."""
    found = []
    for box in iter_boxes(data, start, end):
        if box.kind == kind:
            found.append(box)
        if box.kind in CONTAINERS:
            found += find_all(data, kind, box.body, box.end)
        elif box.kind == b"stsd":
            found += find_all(data, kind, box.body + 8, box.end)
        elif box.kind in ENTRY_FIELDS:
            found += find_all(data, kind, box.body + ENTRY_FIELDS[box.kind], box.end)
    return found


def tenc_key_ids(data: bytes) -> list[str]:
    """The default key ids (hex) of every `tenc` box."""
    return [data[box.body + 8 : box.body + 24].hex() for box in find_all(data, b"tenc")]


def pssh_box(system_id: str, key_ids: list[str], payload: bytes) -> bytes:
    """A version-1 `pssh` naming its key ids."""
    body = struct.pack(">I", 1 << 24) + uuid.UUID(system_id).bytes + struct.pack(">I", len(key_ids))
    body += b"".join(bytes.fromhex(k) for k in key_ids) + struct.pack(">I", len(payload)) + payload
    return struct.pack(">I4s", 8 + len(body), b"pssh") + body


def decode_pssh(value: str) -> bytes:
    """A pssh as clients send it: base64 of a whole `pssh` box, or of its data only."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("pssh must be base64") from exc
    return raw


def insert_pssh(data: bytes, pssh: bytes) -> bytes:
    """`data` with `pssh` (a whole box) appended inside its moov; chunk offsets that point past
    the moov (a faststart MP4) move by the box's size."""
    moov = next((box for box in iter_boxes(data) if box.kind == b"moov"), None)
    if moov is None:
        raise ValueError("no moov box")
    grown = bytearray(data[: moov.end]) + pssh + data[moov.end :]
    struct.pack_into(">I", grown, moov.start, moov.size + len(pssh))
    if any(box.kind == b"mdat" and box.start > moov.start for box in iter_boxes(data)):
        _shift_chunk_offsets(grown, moov.start, moov.end + len(pssh), len(pssh))
    return bytes(grown)


def _shift_chunk_offsets(data: bytearray, start: int, end: int, delta: int) -> None:
    for box in find_all(bytes(data), b"stco", start, end):
        count = struct.unpack_from(">I", data, box.body + 4)[0]
        for i in range(count):
            at = box.body + 8 + 4 * i
            struct.pack_into(">I", data, at, struct.unpack_from(">I", data, at)[0] + delta)
    for box in find_all(bytes(data), b"co64", start, end):
        count = struct.unpack_from(">I", data, box.body + 4)[0]
        for i in range(count):
            at = box.body + 8 + 8 * i
            struct.pack_into(">Q", data, at, struct.unpack_from(">Q", data, at)[0] + delta)

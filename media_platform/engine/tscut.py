"""Cut a growing MPEG-TS stream into HLS segments at given presentation times, as it is written.

ffmpeg's HLS muxer holds a segment in memory until it is complete, so nothing of it can be sent
before then; a plain MPEG-TS output written packet by packet can be, if something cuts it. A
segment starts at the first video PES (in decode order) whose PTS is at or after its boundary:
where the HLS muxer cuts too, since boundaries are keyframes in every rendition. Every segment
after the first begins with the stream's PAT and PMT, so it can be read on its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

TS_PACKET = 188
SYNC = 0x47
VIDEO_STREAM_TYPES = {0x01, 0x02, 0x1B, 0x24, 0x10}
PTS_WRAP = 1 << 33


@dataclass
class Piece:
    """Bytes for segment `segment` (counted from the run's first), in order."""

    segment: int
    data: bytes


@dataclass
class TsCutter:
    boundaries: Sequence[int]  # 90 kHz PTS at which the 2nd, 3rd, … segment starts, ascending
    segment: int = 0
    frames: list[int] = field(default_factory=lambda: [0])  # video PES per segment
    first_pts: list[int | None] = field(default_factory=lambda: [None])
    _rest: bytes = b""
    _pmt_pid: int | None = None
    _video_pid: int | None = None
    _headers: dict[int, bytes] = field(default_factory=dict)  # PAT and PMT packets, to repeat

    def feed(self, data: bytes) -> list[Piece]:
        data = self._rest + data
        whole = len(data) - len(data) % TS_PACKET
        self._rest = data[whole:]
        pieces: list[Piece] = []
        start = 0
        for offset in range(0, whole, TS_PACKET):
            packet = data[offset : offset + TS_PACKET]
            if packet[0] != SYNC:
                raise ValueError(f"lost MPEG-TS sync at byte {offset}")
            if self._starts_segment(packet):
                if offset > start:
                    pieces.append(Piece(self.segment, data[start:offset]))
                self.segment += 1
                self.frames.append(0)
                self.first_pts.append(None)
                pieces.append(
                    Piece(self.segment, self._headers.get(0, b"") + self._headers.get(self._pmt_pid or -1, b""))
                )
                start = offset
            self._count(packet)
        if whole > start:
            pieces.append(Piece(self.segment, data[start:whole]))
        return pieces

    def _tables(self) -> bytes:
        return self._headers.get(0, b"") + self._headers.get(self._pmt_pid or -1, b"")

    # --- reading packets ---------------------------------------------------------------------
    def _starts_segment(self, packet: bytes) -> bool:
        pid, payload = _pid(packet), _payload(packet)
        if pid == 0 and 0 not in self._headers:
            self._headers[0] = packet
            self._pmt_pid = _pmt_pid(payload)
        elif pid == self._pmt_pid and pid not in self._headers:
            self._headers[pid] = packet
            self._video_pid = _video_pid(payload)
        if pid != self._video_pid or not packet[1] & 0x40 or self.segment >= len(self.boundaries):
            return False
        pts = _pes_pts(payload)
        return pts is not None and self.frames[self.segment] > 0 and pts >= self.boundaries[self.segment]

    def _count(self, packet: bytes) -> None:
        if _pid(packet) == self._video_pid and packet[1] & 0x40:
            self.frames[self.segment] += 1
            if self.first_pts[self.segment] is None:
                self.first_pts[self.segment] = _pes_pts(_payload(packet))


def _pid(packet: bytes) -> int:
    return ((packet[1] & 0x1F) << 8) | packet[2]


def _payload(packet: bytes) -> bytes:
    control = (packet[3] >> 4) & 0x3
    if not control & 0x1:
        return b""
    offset = 4 + (1 + packet[4] if control & 0x2 else 0)
    return packet[offset:]


def _section(payload: bytes) -> bytes:
    """A PSI section from a packet that starts one: skip the pointer field."""
    return payload[1 + payload[0] :] if payload else b""


def _pmt_pid(payload: bytes) -> int | None:
    section = _section(payload)
    if len(section) < 12 or section[0] != 0x00:
        return None
    length = ((section[1] & 0x0F) << 8) | section[2]
    for at in range(8, min(3 + length - 4, len(section) - 3), 4):
        program = (section[at] << 8) | section[at + 1]
        if program != 0:
            return ((section[at + 2] & 0x1F) << 8) | section[at + 3]
    return None


def _video_pid(payload: bytes) -> int | None:
    section = _section(payload)
    if len(section) < 12 or section[0] != 0x02:
        return None
    length = ((section[1] & 0x0F) << 8) | section[2]
    at = 12 + (((section[10] & 0x0F) << 8) | section[11])
    end = min(3 + length - 4, len(section))
    while at + 5 <= end:
        stream_type, pid = section[at], ((section[at + 1] & 0x1F) << 8) | section[at + 2]
        if stream_type in VIDEO_STREAM_TYPES:
            return pid
        at += 5 + (((section[at + 3] & 0x0F) << 8) | section[at + 4])
    return None


def _pes_pts(payload: bytes) -> int | None:
    if len(payload) < 14 or payload[:3] != b"\x00\x00\x01" or not payload[7] & 0x80:
        return None
    p = payload[9:14]
    return ((p[0] >> 1) & 0x07) << 30 | p[1] << 22 | (p[2] >> 1) << 15 | p[3] << 7 | p[4] >> 1


# A frame on a grid line may be written a few ticks either side of it (its time rounded from the
# source's time base); frames are hundreds of ticks apart.
TOLERANCE = 10


def boundaries_for(starts: Sequence[float], offset: float = 0.0) -> list[int]:
    """The 90 kHz PTS of grid lines (timeline seconds), as the muxer writes them: an encode's at
    their own time (plan/timeline.py), a stream copy's moved by its `offset`."""
    return [(round((start + offset) * 90000) - TOLERANCE) % PTS_WRAP for start in starts]


def split_stream(data: bytes, boundaries: Sequence[int]) -> list[bytes]:
    """A whole stream cut at once (what a run does as the stream grows)."""
    cutter = TsCutter(boundaries)
    segments: list[bytearray] = [bytearray()]
    for piece in cutter.feed(data):
        while len(segments) <= piece.segment:
            segments.append(bytearray())
        segments[piece.segment] += piece.data
    return [bytes(segment) for segment in segments]

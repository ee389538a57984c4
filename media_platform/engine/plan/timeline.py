"""Where an encode's timeline starts: its first picture and its first sound at its very start.

Two encoder habits leave a hole there, one hls.js seeks over (`bufferSeekOverHole`) and counts
into the duration:

- x264 and x265 hold frames back to reorder them (B-frames), so the first frame's decode time
  comes before its presentation time by that delay: 2 frames, 0.08 s at 25 fps, 2 s at 1 fps.
  hls.js starts its timeline at the lowest decode time, so the picture starts that much late.
- The AAC encoder primes with one frame of silence before time 0 (1024 samples), so the sound
  starts 21 ms before the picture.

The fix is in the timestamps every HLS output gets, whoever plans the encode (a whole ladder,
a piece of a chunked one, a segment encoded on request): the first frame decodes and shows at
the start, and the priming frame is dropped, so sound and picture start together at the
encode's own start (0, or its place in the whole timeline with `output_ts_offset`).

An MP4 keeps its encoder's decode times: it says where its presentation starts with an edit
list, and its track lasts as long as its decode times span, which packing them would shorten by
the delay (a second at 1 fps). MP4s written beside HLS segments by the same encode (the tee
muxer's bitstream filters apply to every file it writes, and ffmpeg 5.1's tee loses the last
packet of a per-file setts) get their decode times back afterwards (engine/decode_times.py).
"""

from __future__ import annotations

from typing import Any

# Timestamps are first brought to MPEG-TS's 90 kHz clock: frame-rate time bases (1/25) cannot
# hold the fractions of a frame the decode times are packed into.
CLOCK = 90000
# When the source states no rate, pack into the duration of a frame at this rate: any real
# frame lasts at least as long.
FASTEST_FPS = 240.0


def sound_from_start(stream: Any) -> Any:
    """The decoded sound padded with silence back to the start when it begins after the picture
    (a camera's or a DVD's audio a few tenths late), and cut at the start when it begins before:
    a late sound is a hole too."""
    return stream.filter("aresample", first_pts=0)


def hls_picture(fps: float | None) -> dict[str, str]:
    """Output options for an encode that writes HLS: the first frame at the start."""
    return {"bsf:v": first_frame_at_start(fps)}


def hls_sound(codec: str) -> dict[str, str]:
    """Output options for an encode that writes HLS sound: no priming before the start."""
    priming = sound_at_start(codec)
    return {"bsf:a": priming} if priming else {}


def first_frame_at_start(fps: float | None) -> str:
    """The video bitstream filter: presentation times kept; the decode times up to the first
    presentation time (the encoder's delay) packed evenly into the first frame's duration, so
    the first frame decodes and shows at the start and every later one decodes as before."""
    frame = max(1, int(CLOCK / (fps or FASTEST_FPS)))
    packed = f"STARTPTS+(DTS-STARTDTS)*{frame}/(STARTPTS-STARTDTS+{frame})"
    return f"setts=time_base=1/{CLOCK}:pts=PTS:dts=DTS,setts=pts=PTS:dts='if(lte(DTS,STARTPTS),{packed},DTS)'"


def sound_at_start(codec: str) -> str | None:
    """The audio bitstream filter: AAC's priming frame, all before time 0, is dropped. (Opus
    primes with less than a frame, which no whole packet can take away: it keeps its own.)"""
    return "noise=drop='lt(pts,0)'" if codec == "aac" else None

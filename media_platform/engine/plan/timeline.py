"""The one timeline rule, for every caller of the planner.

An encode has one timeline, and every invocation writes its part of it with exactly the
timestamps the whole encode gives that part — presentation and decode times alike, at the
part's place on it (`EncodeContext.output_ts_offset`), with no lead of any kind. A whole ladder,
the lowest rendition encoded first, a piece of a chunked ladder and a run of JIT segments are
all parts in this sense, so segment k has the same frames at the same times whoever encodes it,
and consecutive parts join as one encode's packets do (decode times run on: hls.js finds no
hole between fragments to mend, and a player can mix the parts' segments).

The whole timeline starts at PTS = DTS = 0, which two encoder habits would break, each leaving a
hole hls.js seeks over (`bufferSeekOverHole`) and counts into the duration:

- x264 and x265 hold frames back to reorder them (B-frames), so the first frame decodes before it
  shows, by that delay: 2 frames, 0.08 s at 25 fps, 2 s at 1 fps. hls.js starts its timeline at
  the lowest decode time, so the picture would start that much late. The HLS outputs of the
  part at place 0 — the only part that starts the timeline — get the decode times up to the
  first presentation packed into the first frame's duration (`hls_picture`). A part further on
  keeps its encoder's decode times: there they are the whole encode's.
- The AAC encoder primes with one frame of silence before the start (1024 samples). Sound cannot
  follow the whole encode sample for sample anyway (its frames do not fall on the lines where
  parts begin), so in every HLS output it starts exactly at the part's start: the priming packet
  dropped (`hls_sound`), and a sound that begins after the picture padded with silence back to
  the start (`sound_from_start`) — a late sound is a hole too.

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


def starts_timeline(output_ts_offset: float | None) -> bool:
    """Whether a part at this place is the one that starts the whole timeline."""
    return not output_ts_offset


def sound_from_start(stream: Any) -> Any:
    """The decoded sound padded with silence back to the start when it begins after the picture
    (a camera's or a DVD's audio a few tenths late), and cut at the start when it begins before."""
    return stream.filter("aresample", first_pts=0)


def hls_picture(fps: float | None, *, output_ts_offset: float | None) -> dict[str, str]:
    """Output options for the picture of an HLS output: its first frame decodes at the start when
    the part starts the timeline; elsewhere the encoder's own decode times, the whole encode's."""
    return {"bsf:v": first_frame_at_start(fps)} if starts_timeline(output_ts_offset) else {}


def hls_sound(codec: str) -> dict[str, str]:
    """Output options for the sound of an HLS output: no priming before the start."""
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
    """The audio bitstream filter: AAC's priming frame, all before the start, is dropped. (Opus
    primes with less than a frame, which no whole packet can take away: it keeps its own.)"""
    return "noise=drop='lt(pts,0)'" if codec == "aac" else None

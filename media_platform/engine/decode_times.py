"""An MP4 written by the same encode as HLS segments gets its encoder's decode times back.

The HLS outputs' first frame decodes at its presentation time (plan/timeline.py): the decode
times the encoder put before it are packed into the first frame's duration. An MP4 written by
the same encode (the tee muxer's filters reach every file it writes) would keep those packed
times, and its track, which lasts as long as its decode times span, would end short by the
encoder's delay (two frames; two seconds at 1 fps). Here the packed times are spread back one
frame apart, ending where they began, by stream copy: the MP4 muxer then writes the edit list
that starts its presentation at the first frame, as it does for any encode.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

# Enough packets to see past any encoder's reordering delay.
LOOK_AT = 32


def first_video_packets(path: Path, ffprobe: str = "ffprobe") -> list[tuple[int, int]]:
    """(pts, dts) of the first video packets in decode order, in the stream's time base."""
    result = subprocess.run(
        [ffprobe, "-v", "error", "-select_streams", "v:0", "-read_intervals", f"%+#{LOOK_AT}",
         "-show_entries", "packet=pts,dts", "-of", "json", str(path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    packets = json.loads(result.stdout or "{}").get("packets", []) if result.returncode == 0 else []
    return [(int(p["pts"]), int(p["dts"])) for p in packets if "pts" in p and "dts" in p]


def packed_delay(packets: list[tuple[int, int]]) -> tuple[int, int]:
    """(packets packed into the first frame, one frame's duration); (0, 0) when nothing is packed."""
    if len(packets) < 2 or packets[0][1] < packets[0][0]:
        return 0, 0  # the first frame decodes before it shows: the encoder's own times
    times = sorted({pts for pts, _ in packets})
    frame = min((b - a for a, b in zip(times, times[1:], strict=False)), default=0)
    start = packets[0][0]
    packed = sum(1 for _, dts in packets if dts < start + frame)
    return (packed, frame) if frame and packed > 1 else (0, 0)


def restore_decode_times(path: Path, *, ffmpeg: str = "ffmpeg", ffprobe: str = "ffprobe") -> bool:
    """Spread the packed decode times of `path` back to one frame apart, in place. Returns
    whether it had to: an MP4 with its encoder's own times is left as it is."""
    packed, frame = packed_delay(first_video_packets(path, ffprobe))
    if not packed:
        return False
    delay = packed - 1
    spread = f"setts=pts=PTS:dts='if(lt(N,{packed}),STARTPTS+(N-{delay})*{frame},DTS)'"
    target = path.with_name(f".{path.name}.times")
    argv = [ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", str(path), "-map", "0"]
    argv += ["-c", "copy", "-bsf:v", spread, "-movflags", "+faststart", "-f", "mp4", str(target)]
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=3600, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"restoring the decode times of {path.name} failed: {result.stderr.strip()[-300:]}")
        target.replace(path)
    finally:
        target.unlink(missing_ok=True)
    return True

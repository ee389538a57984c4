"""WebVTT for a storyboard sprite: one cue per tile, pointing at it with a #xywh fragment."""

from __future__ import annotations


def vtt_timestamp(seconds: float) -> str:
    millis = int(round(max(0.0, seconds) * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def storyboard_vtt(
    *, sprite: str, count: int, interval: float, columns: int, tile_width: int, tile_height: int, duration: float
) -> str:
    lines = ["WEBVTT", ""]
    for i in range(count):
        start = i * interval
        end = min((i + 1) * interval, duration) if duration > start else start + interval
        x, y = (i % columns) * tile_width, (i // columns) * tile_height
        lines += [
            f"{vtt_timestamp(start)} --> {vtt_timestamp(end)}",
            f"{sprite}#xywh={x},{y},{tile_width},{tile_height}",
            "",
        ]
    return "\n".join(lines)

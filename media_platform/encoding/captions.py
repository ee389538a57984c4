"""Caption files: WebVTT kept as is, SRT converted to WebVTT; anything else refused."""

from __future__ import annotations

import re

TIMING = re.compile(r"(\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}\s+-->\s+(\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}")
SRT_TIME = re.compile(r"(\d{2}:\d{2}:\d{2}),(\d{3})")


class CaptionError(ValueError):
    pass


def to_webvtt(data: bytes) -> str:
    """WebVTT text from a WebVTT or SRT file (UTF-8, with or without BOM)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaptionError("Captions must be UTF-8 text.") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise CaptionError("The captions file is empty.")
    if text.startswith("WEBVTT"):
        if not TIMING.search(text):
            raise CaptionError("The WebVTT file has no cues.")
        return text + "\n"
    if not TIMING.search(text):
        raise CaptionError("The captions are neither WebVTT nor SRT: no cue timings found.")
    lines = []
    for line in text.split("\n"):
        lines.append(SRT_TIME.sub(r"\1.\2", line) if "-->" in line else line)
    return "WEBVTT\n\n" + "\n".join(lines) + "\n"

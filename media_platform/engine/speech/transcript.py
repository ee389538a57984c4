"""What speech to text heard: segments of text with their times, and the words in them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str  # as Whisper spells it, with its leading space


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Transcript:
    language: str  # ISO 639-1, as Whisper detected it (or was told)
    duration: float  # seconds of audio heard
    segments: tuple[Segment, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        return " ".join(segment.text for segment in self.segments if segment.text)


def monotonic(segments: Iterable[Segment]) -> tuple[Segment, ...]:
    """Segments that never start before the previous one ended nor end before they start;
    empty ones dropped."""
    out: list[Segment] = []
    last = 0.0
    for segment in segments:
        if not segment.text:
            continue
        start = max(segment.start, last)
        end = max(segment.end, start)
        out.append(Segment(start, end, segment.text, segment.words))
        last = end
    return tuple(out)

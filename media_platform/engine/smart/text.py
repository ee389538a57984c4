"""A title, a description, chapters and moments from what was said and where the picture changed.

Extractive and statistical, nothing generated: keyphrases are YAKE's (word frequency, position and
co-occurrence within this one transcript; its stop words ship with it), the description is the
transcript's own sentences that carry the most of them, chapters start at scene changes or long
pauses in the speech, and moments are the strongest scene changes. No model, no network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import yake
from segtok.segmenter import split_single

from ..speech import Transcript
from .scenes import Scene

TITLE_CHARS = 80
DESCRIPTION_SENTENCES = 3
PAUSE_SECONDS = 2.0  # a silence this long in the speech may start a chapter
MAX_CHAPTERS = 12
MAX_MOMENTS = 8


@dataclass(frozen=True)
class Chapter:
    title: str
    start: int  # seconds
    end: int


@dataclass(frozen=True)
class Moment:
    label: str
    timestamp: int  # seconds


def keyphrases(text: str, *, language: str = "en", top: int = 5) -> list[str]:
    """The text's keyphrases, best first (one to three words each)."""
    if not text.strip():
        return []
    # YAKE reads its stop words for the language (a generic list for a language it lacks).
    extractor = yake.KeywordExtractor(lan=language or "en", n=3, top=top, dedupLim=0.7)
    return [phrase for phrase, _ in extractor.extract_keywords(text)]


def _capitalise(phrase: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in phrase.split())


def title(transcript: Transcript) -> str | None:
    """The best keyphrase, and the next one when it says something else: "Brown Fox: Captions"."""
    phrases = keyphrases(transcript.text, language=transcript.language, top=4)
    if not phrases:
        return None
    words = set(phrases[0].lower().split())
    other = next((p for p in phrases[1:] if not words & set(p.lower().split())), None)
    text = _capitalise(phrases[0]) + (f": {_capitalise(other)}" if other else "")
    return text[:TITLE_CHARS]


def sentences(transcript: Transcript) -> list[str]:
    return [s.strip() for s in split_single(transcript.text) if s.strip()]


def description(transcript: Transcript, *, count: int = DESCRIPTION_SENTENCES) -> str | None:
    """The `count` sentences that carry the most keyphrases, in the order they were said."""
    said = sentences(transcript)
    if not said:
        return None
    phrases = keyphrases(transcript.text, language=transcript.language, top=10)
    weight = {phrase.lower(): len(phrases) - rank for rank, phrase in enumerate(phrases)}

    def score(sentence: str) -> float:
        lower = sentence.lower()
        return sum(w for phrase, w in weight.items() if phrase in lower) / (1 + len(lower.split()) / 25)

    best = sorted(range(len(said)), key=lambda i: (-score(said[i]), i))[:count]
    text = " ".join(said[i] for i in sorted(best))
    return text[:1].upper() + text[1:]


def _boundaries(transcript: Transcript, scenes: Sequence[Scene]) -> list[float]:
    pauses = [
        later.start
        for earlier, later in zip(transcript.segments, transcript.segments[1:], strict=False)
        if later.start - earlier.end >= PAUSE_SECONDS
    ]
    return sorted({round(s.time, 3) for s in scenes} | {round(p, 3) for p in pauses})


def _spoken(transcript: Transcript, start: float, end: float) -> str:
    return " ".join(s.text for s in transcript.segments if s.end > start and s.start < end)


def chapters(transcript: Transcript, scenes: Sequence[Scene], duration: float) -> list[Chapter]:
    """Chapters starting at scene changes and long pauses, none shorter than a twelfth of the video
    (and 4 s), titled by their own keyphrase ("Part n" where nothing was said); [] under two."""
    shortest = max(4.0, duration / MAX_CHAPTERS)
    starts = [0.0]
    for moment in _boundaries(transcript, scenes):
        if moment - starts[-1] >= shortest and duration - moment >= shortest:
            starts.append(moment)
    if len(starts) < 2:
        return []
    edges = [*starts, duration]
    result = []
    for number, (start, end) in enumerate(zip(edges, edges[1:], strict=False), start=1):
        phrase = next(iter(keyphrases(_spoken(transcript, start, end), language=transcript.language, top=1)), None)
        result.append(Chapter(_capitalise(phrase) if phrase else f"Part {number}", round(start), round(end)))
    return result


def moments(transcript: Transcript, scenes: Sequence[Scene], duration: float) -> list[Moment]:
    """The strongest scene changes, at least a tenth of the video apart, labelled by what is said
    around them (or "Scene change"), in time order."""
    spacing = max(2.0, duration / 10)
    chosen: list[Scene] = []
    for scene in sorted(scenes, key=lambda s: -s.score):
        if all(abs(scene.time - other.time) >= spacing for other in chosen):
            chosen.append(scene)
        if len(chosen) == MAX_MOMENTS:
            break
    result = []
    for scene in sorted(chosen, key=lambda s: s.time):
        words = _spoken(transcript, scene.time - 2, scene.time + 5)
        phrase = next(iter(keyphrases(words, language=transcript.language, top=1)), None)
        result.append(Moment(_capitalise(phrase) if phrase else "Scene change", int(scene.time)))
    return result

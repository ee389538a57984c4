"""The files made from a transcript: plain text, JSON with timed segments, SRT and WebVTT.

Captions are cut from the recognised words, not from Whisper's segments (which can run for 30 s):
a cue ends after a sentence, at a pause after a clause, or before it would pass two lines of 42
characters or 7 seconds; its text is split into two lines of about the same length.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass

from ..captions import format_timestamp
from .transcript import Segment, Transcript, Word

LINE_CHARS = 42
CUE_CHARS = 2 * LINE_CHARS - 4  # slack for two lines of about the same length
CUE_SECONDS = 7.0
SENTENCE_END = re.compile(r"[.!?…]['\")\]]?$")
CLAUSE_END = re.compile(r"[,;:–—]['\")\]]?$")
CLAUSE_PAUSE = 0.25  # seconds of silence after a clause that end a cue


def transcript_text(transcript: Transcript) -> str:
    text = transcript.text
    return text + "\n" if text else ""


def transcript_json(transcript: Transcript) -> str:
    data = {
        "language": transcript.language,
        "duration": transcript.duration,
        "segments": [{"start": s.start, "end": s.end, "text": s.text} for s in transcript.segments],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str  # one or two lines


def caption_cues(transcript: Transcript) -> list[Cue]:
    cues: list[Cue] = []
    for segment in transcript.segments:
        words = segment.words or _spread(segment)
        cues += _cues_of(words)
    return cues


def _spread(segment: Segment) -> tuple[Word, ...]:
    """Words timed in proportion to their length, when Whisper gave no word timings."""
    tokens = segment.text.split()
    total = sum(len(token) + 1 for token in tokens) or 1
    span, at, words = segment.end - segment.start, segment.start, []
    for token in tokens:
        step = span * (len(token) + 1) / total
        words.append(Word(round(at, 3), round(at + step, 3), f" {token}"))
        at += step
    return tuple(words)


def _cues_of(words: tuple[Word, ...]) -> list[Cue]:
    """A cue ends after a sentence, at a pause after a clause once it holds half a line, and before
    it grows too long (back at its last clause when there is one in its second half)."""
    cues: list[Cue] = []
    current: list[Word] = []
    for word in words:
        if current and _too_long(current, word):
            cut = _clause_cut(current)
            cues.append(_cue(current[:cut]))
            current = current[cut:]
        elif current and _pause_after_clause(current, word):
            cues.append(_cue(current))
            current = []
        current.append(word)
        if SENTENCE_END.search(word.text.strip()):
            cues.append(_cue(current))
            current = []
    if current:
        cues.append(_cue(current))
    return cues


def _text(words: list[Word]) -> str:
    return "".join(w.text for w in words).strip()


def _too_long(words: list[Word], word: Word) -> bool:
    return len(_text([*words, word])) > CUE_CHARS or word.end - words[0].start > CUE_SECONDS


def _pause_after_clause(words: list[Word], word: Word) -> bool:
    clause = CLAUSE_END.search(words[-1].text.strip()) is not None
    return clause and word.start - words[-1].end >= CLAUSE_PAUSE and len(_text(words)) >= LINE_CHARS // 2


def _clause_cut(words: list[Word]) -> int:
    """Where to end a cue that is full: after its last clause in its second half, else at the end."""
    for position in range(len(words) - 1, len(words) // 2 - 1, -1):
        if position > 0 and CLAUSE_END.search(words[position - 1].text.strip()):
            return position
    return len(words)


def _cue(words: list[Word]) -> Cue:
    text = " ".join(_text(words).split())
    return Cue(words[0].start, max(words[-1].end, words[0].start), "\n".join(two_lines(text)))


def two_lines(text: str) -> list[str]:
    """One line when it fits, else two of about the same length (split at the space nearest the
    middle that lets both fit)."""
    if len(text) <= LINE_CHARS:
        return [text]
    spaces = [i for i, char in enumerate(text) if char == " "]
    fitting = [i for i in spaces if i <= LINE_CHARS and len(text) - i - 1 <= LINE_CHARS]
    if not fitting:
        lines = textwrap.wrap(text, LINE_CHARS) or [text]
        return [lines[0], " ".join(lines[1:])] if len(lines) > 1 else lines
    middle = min(fitting, key=lambda i: abs(len(text) / 2 - i))
    return [text[:middle], text[middle + 1 :]]


def srt_time(seconds: float) -> str:
    return format_timestamp(seconds).replace(".", ",")


def srt(transcript: Transcript) -> str:
    blocks = [
        f"{number}\n{srt_time(cue.start)} --> {srt_time(cue.end)}\n{cue.text}"
        for number, cue in enumerate(caption_cues(transcript), start=1)
    ]
    return "\n\n".join(blocks) + "\n" if blocks else ""


def webvtt(transcript: Transcript) -> str:
    blocks = ["WEBVTT"]
    blocks += [
        f"{format_timestamp(cue.start)} --> {format_timestamp(cue.end)}\n{cue.text}" for cue in caption_cues(transcript)
    ]
    return "\n\n".join(blocks) + "\n"

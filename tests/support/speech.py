"""Speech made at test time with espeak-ng, and how close a transcript comes to it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

SENTENCES = ("the quick brown fox jumps over the lazy dog", "speech to text makes captions for every video")


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split()


def word_error_rate(reference: str, heard: str) -> float:
    """Levenshtein distance over words (substitutions, insertions, deletions) / reference words."""
    ref, hyp = words(reference), words(heard)
    previous = list(range(len(hyp) + 1))
    for i, expected in enumerate(ref, start=1):
        current = [i]
        for j, got in enumerate(hyp, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (expected != got)))
        previous = current
    return previous[-1] / max(len(ref), 1)


def make_speech_clip(path: Path, sentences: tuple[str, ...] = SENTENCES) -> Path:
    """The sentences spoken one after the other (espeak-ng, a little slower than its default, which
    tiny.en hears better), under a lavfi picture: H.264 + AAC, about 8 s."""
    if path.exists():
        return path
    folder = path.parent
    inputs, labels = [], []
    for number, sentence in enumerate(sentences):
        wav = folder / f"{path.stem}-{number}.wav"
        subprocess.run(["espeak-ng", "-s", "130", "-w", str(wav), sentence], check=True, timeout=60)
        inputs += ["-i", str(wav)]
        labels.append(f"[{number}:a]")
    video = len(sentences)
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *inputs]
    command += ["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25"]
    command += ["-filter_complex", f"{''.join(labels)}concat=n={len(sentences)}:v=0:a=1[a]"]
    command += ["-map", f"{video}:v", "-map", "[a]", "-shortest"]
    command += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(path)]
    subprocess.run(command, check=True, timeout=120)
    return path

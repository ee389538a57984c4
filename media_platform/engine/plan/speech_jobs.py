"""Speech to text: an ffmpeg run that extracts the sound Whisper listens to, and the finisher that
transcribes it.

The run reads the first audio stream only (`-vn`: no video is decoded, so it costs a demux and an
audio decode, not a second decode of the picture) and writes 16 kHz mono PCM, Whisper's input.
It stays out of the shared decode on purpose: it does not depend on how the timeline is encoded
(whole or in chunks), and the transcription that follows is the long part anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ffmpeg

from ..probe import SOURCE_FORMATS, SourceInfo
from ..spec import SpeechToTextJob
from .graph import EncodeContext
from .outputs import PlannedFile, Transcription, join
from .point_jobs import job_window

SAMPLE_RATE = 16000
# (field of the job, format the finisher writes, role of the file)
FILES = (
    ("transcript_file", "text", "transcript"),
    ("json_file", "json", "transcript"),
    ("srt_file", "srt", "subtitles"),
    ("vtt_file", "vtt", "subtitles"),
)


@dataclass(frozen=True)
class SpeechPlan:
    output: Any
    files: list[PlannedFile]
    finisher: Transcription
    folder: str  # scratch: the extracted WAV
    seconds: float  # of audio


def speech_folder(index: int) -> str:
    return f".work/{index}-speech"


def plan_speech(job: SpeechToTextJob, index: int, info: SourceInfo, ctx: EncodeContext) -> SpeechPlan | None:
    """None when the source has no sound: there is nothing to plan (the job fails, see execute)."""
    if not info.audio:
        return None
    window = job_window(job, info.duration)
    options: dict[str, Any] = {"protocol_whitelist": ctx.protocols, "format_whitelist": SOURCE_FORMATS}
    if window.start:
        options["ss"] = round(window.start, 6)
    if window.duration < info.duration - window.start:
        options["t"] = round(window.duration, 6)
    source = ffmpeg.input(ctx.input_path, **options)
    folder = speech_folder(index)
    wav = f"{folder}/audio.wav"
    pcm = {"ac": 1, "ar": SAMPLE_RATE, "c:a": "pcm_s16le", "f": "wav"}
    output = ffmpeg.output(source[str(info.audio[0].index)], wav, vn=None, sn=None, dn=None, **pcm)
    files, outputs = [], []
    for name, fmt, role in FILES:
        if getattr(job, name):
            path = join(job.prefix, getattr(job, name))
            files.append(PlannedFile(index, path, role))
            outputs.append((fmt, path))
    finisher = Transcription(index, wav, tuple(outputs), job.mode, job.language)
    return SpeechPlan(output, files, finisher, folder, window.duration)

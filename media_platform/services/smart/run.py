"""The job's work: listen (speech to text, the engine's own speech job), look (scene changes), then
write what was asked onto the video, each feature Finished or Failed; webhooks 9 (captions) and
10 (title or description) as bunny sends them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import transaction

from media_platform.engine import smart
from media_platform.engine.captions import CaptionError
from media_platform.engine.finish import FinishError, apply_finishers
from media_platform.engine.issues import InputError, IssueCode, Severity
from media_platform.engine.plan import EncodeContext, plan_process
from media_platform.engine.probe import probe_file
from media_platform.engine.runner import run_ffmpeg
from media_platform.engine.spec import SpeechToTextJob
from media_platform.engine.speech import Segment, SpeechError, Transcript, webvtt
from media_platform.models import TranscodingMessage, Video
from media_platform.services.pipeline.speech import speech_settings
from media_platform.services.video_assets import assets_prefix, caption_generated_add
from media_platform.status import BunnyWebhookStatus
from media_platform.storage import exists, local_copy, open_read, save_bytes, workspace

from .notify import notify_video
from .start import SmartStatus, features_set, source_name


class SmartFailed(Exception):
    pass


def transcript_name(video: Video) -> str:
    return f"{assets_prefix(video)}/transcript.json"


def _stored_transcript(video: Video) -> Transcript | None:
    if not exists(transcript_name(video)):
        return None
    with open_read(transcript_name(video)) as handle:
        data = json.loads(handle.read())
    segments = tuple(Segment(s["start"], s["end"], s["text"]) for s in data.get("segments", []))
    return Transcript(data.get("language", "und"), data.get("duration", 0.0), segments)


def _store_transcript(video: Video, transcript: Transcript) -> None:
    segments = [{"start": s.start, "end": s.end, "text": s.text} for s in transcript.segments]
    data = {"language": transcript.language, "duration": transcript.duration, "segments": segments}
    save_bytes(transcript_name(video), json.dumps(data).encode())


def listen(source: Path, work: Path, language: str | None, *, required: bool) -> Transcript:
    """Speech to text over the source, planned and run as any speech job is. A source without
    sound is heard as silence, or refused when captions were asked for (`required`)."""
    info = probe_file(str(source), ffprobe=settings.FFPROBE_BINARY)
    if not info.audio:
        if required:
            raise SmartFailed("There is nothing to transcribe: the source has no audio.")
        return Transcript(language or "und", info.duration, ())
    job = SpeechToTextJob(transcript_file=None, json_file=None, srt_file=None, vtt_file=None, language=language)
    context = EncodeContext(input_path=str(source), ffmpeg=settings.FFMPEG_BINARY)
    transcripts = {}
    for invocation in plan_process([(0, job)], info, context):
        for folder in invocation.directories:
            (work / folder).mkdir(parents=True, exist_ok=True)
        result = run_ffmpeg(invocation.argv, cwd=work, duration=invocation.duration, timeout=300 + info.duration * 2)
        if not result.ok:
            raise SmartFailed("The sound could not be read: " + " | ".join(result.stderr_tail[-2:]))
        transcripts.update(
            apply_finishers(work, invocation.finishers, invocation.scratch, speech_settings=speech_settings())
        )
    return transcripts[0]


def look(source: Path) -> list[smart.Scene]:
    argv = smart.scene_argv(settings.FFMPEG_BINARY, str(source))
    result = subprocess.run(argv, capture_output=True, text=True, timeout=3600, check=False)
    return smart.parse_scene_changes(result.stdout) if result.returncode == 0 else []


def derive(features: list[str], transcript: Transcript, scenes: list, duration: float) -> dict:
    """{feature: value or None (nothing to derive it from)}"""
    made: dict = {}
    if "title" in features:
        made["title"] = smart.title(transcript)
    if "description" in features:
        made["description"] = smart.description(transcript)
    if "chapters" in features:
        made["chapters"] = [vars(c) for c in smart.chapters(transcript, scenes, duration)] or None
    if "moments" in features:
        made["moments"] = [vars(m) for m in smart.moments(transcript, scenes, duration)] or None
    return made


def _message(video: Video, level: Severity, code: IssueCode, text: str) -> None:
    TranscodingMessage.objects.create(video=video, level=int(level), issue_code=int(code), message=text)


@transaction.atomic
def _attach_captions(video: Video, transcript: Transcript, options: dict) -> None:
    if not transcript.segments:
        _message(video, Severity.INFORMATION, IssueCode.CAPTION_GENERATION_FAILED, "No speech was recognised.")
        return
    try:
        caption = caption_generated_add(video=video, srclang=transcript.language, text=webvtt(transcript))
    except (CaptionError, OSError) as exc:
        _message(video, Severity.WARNING, IssueCode.CAPTION_GENERATION_FAILED, f"Captions not stored: {exc}")
        return
    for target in {t for t in options.get("targets") or [] if t and t != transcript.language}:
        _message(
            video,
            Severity.INFORMATION,
            IssueCode.TRANSCRIPTION_FAILED,
            f"No translation to {target}: captions are in {transcript.language}.",
        )
    if caption is not None:
        notify_video(video, BunnyWebhookStatus.CAPTIONS_GENERATED)


@transaction.atomic
def _write(video: Video, made: dict) -> None:
    video = Video.objects.select_for_update().get(pk=video.pk)
    for name, value in made.items():
        if value is not None:
            setattr(video, name, value)
    video.save()
    finished = [name for name, value in made.items() if value is not None]
    features_set(video, finished, SmartStatus.FINISHED)
    features_set(video, [name for name in made if name not in finished], SmartStatus.FAILED)
    if {"title", "description"} & set(finished):
        notify_video(video, BunnyWebhookStatus.TITLE_OR_DESCRIPTION_GENERATED)


def video_smart_run(*, video_id: int, options: dict) -> None:
    video = Video.objects.select_related("library").filter(pk=video_id).first()
    if video is None:
        return
    features = list(options.get("features") or [])
    if features:
        features_set(video, features, SmartStatus.IN_PROGRESS)
    try:
        with workspace(f"smart-{video.guid}") as work, local_copy(source_name(video), work) as source:
            transcript = None if options.get("transcribe") else _stored_transcript(video)
            if transcript is None:
                transcript = listen(source, work, options.get("language"), required=bool(options.get("transcribe")))
                _store_transcript(video, transcript)
            if options.get("transcribe"):
                _attach_captions(video, transcript, options)
            scenes = look(source) if {"chapters", "moments"} & set(features) else []
        _write(video, derive(features, transcript, scenes, transcript.duration or float(video.length)))
    except (SmartFailed, SpeechError, FinishError, InputError, ValueError) as exc:
        _message(video, Severity.ERROR, IssueCode.TRANSCRIPTION_FAILED, f"Smart Generate failed: {exc}")
        if features:
            features_set(video, features, SmartStatus.FAILED)

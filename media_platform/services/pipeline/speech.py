"""Speech to text in a process: its settings, the jobs that cannot run (no sound), and where the
captions it makes go besides its own files: into the HLS master of the same process (a subtitle
track) and, for a bunny video, onto the video as its captions (then webhook 9, CaptionsGenerated).

Why the master is rewritten after the transcription rather than planned with the captions in it:
the language is known only once Whisper has listened, the speech job runs apart from the shared
decode (a chunked encode writes its master elsewhere), and a speech job that fails must leave the
master as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from django.conf import settings

from media_platform.engine.captions import CaptionError
from media_platform.engine.issues import FinishError, Issue, IssueCode, Severity
from media_platform.engine.masters import add_master_subtitles
from media_platform.engine.names import UnsafeName, safe_join
from media_platform.engine.probe import SourceInfo
from media_platform.engine.spec import Job, SpeechToTextJob
from media_platform.engine.speech import SpeechSettings, Transcript, webvtt
from media_platform.models import EncodingJob, EncodingProcess
from media_platform.services.messages import transcoding_messages_add
from media_platform.services.video_assets import auto_caption_label, caption_generated_add

from .notify import notify_bunny_captions_generated

NO_AUDIO = "There is nothing to transcribe: the source has no audio."
NO_SPEECH = "No captions were generated: no speech was recognised."


def speech_settings() -> SpeechSettings:
    return SpeechSettings(
        model_dir=settings.WHISPER_MODEL_DIR,
        accurate_model_dir=settings.WHISPER_ACCURATE_MODEL_DIR,
        compute_type=settings.WHISPER_COMPUTE_TYPE,
        cpu_threads=settings.WHISPER_CPU_THREADS,
    )


def speech_without_audio(jobs: Sequence[tuple[int, Job]], info: SourceInfo) -> dict[int, Issue]:
    """Speech jobs of a source without sound: they fail (softly, if they allow it); the rest runs."""
    if info.audio:
        return {}
    issue = Issue(Severity.ERROR, IssueCode.TRANSCRIPTION_FAILED, NO_AUDIO)
    return {index: issue for index, job in jobs if isinstance(job, SpeechToTextJob)}


def captions_into_masters(
    jobs: Sequence[tuple[int, Job]], transcripts: dict[int, Transcript], outdir: Path, failed: dict[int, Issue]
) -> None:
    """Each transcript whose job names an `hls_master` becomes a subtitle track of that master,
    when the master was written (its job may have failed softly) and something was heard."""
    by_index = dict(jobs)
    for index, transcript in transcripts.items():
        job = by_index.get(index)
        if not isinstance(job, SpeechToTextJob) or not job.hls_master or index in failed or not transcript.segments:
            continue
        try:
            master = safe_join("", job.hls_master)
            if not (outdir / master).is_file():
                continue
            label = auto_caption_label(transcript.language)
            vtt = webvtt(transcript)
            add_master_subtitles(outdir, master, vtt, transcript.language, label, ffprobe=settings.FFPROBE_BINARY)
        except (FinishError, OSError, UnsafeName) as exc:
            message = f"The captions could not be listed in {job.hls_master}: {exc}"
            failed[index] = Issue(Severity.ERROR, IssueCode.CAPTION_GENERATION_FAILED, message)


def generated_captions_attach(
    *, process: EncodingProcess, transcripts: dict[int, Transcript], failed: dict[int, Issue]
) -> None:
    """A video's speech jobs become its captions (srclang: the language heard). Called inside the
    transaction that completes the process, after its end was recorded, so webhook 9 follows 3.
    Whatever goes wrong here is a CaptionGenerationFailed message: the video stays Finished."""
    video = process.video
    if video is None or process.destination.get("kind") != "video":
        return
    indexes = EncodingJob.objects.filter(process=process, kind="speech_to_text").values_list("index", flat=True)
    issues, attached = [], False
    for index in sorted(indexes):
        transcript = transcripts.get(index)
        if index in failed or transcript is None:
            reason = failed[index].message if index in failed else "the transcription did not run"
            issues.append(Issue(Severity.WARNING, IssueCode.CAPTION_GENERATION_FAILED, f"No captions: {reason}"))
            continue
        if not transcript.segments:
            issues.append(Issue(Severity.INFORMATION, IssueCode.CAPTION_GENERATION_FAILED, NO_SPEECH))
            continue
        try:
            caption = caption_generated_add(video=video, srclang=transcript.language, text=webvtt(transcript))
        except (CaptionError, OSError) as exc:
            message = f"The {transcript.language} captions could not be stored: {exc}"
            issues.append(Issue(Severity.WARNING, IssueCode.CAPTION_GENERATION_FAILED, message))
            continue
        if caption is None:
            message = f"Captions for {transcript.language} were uploaded before: they were kept."
            issues.append(Issue(Severity.INFORMATION, IssueCode.CAPTION_GENERATION_FAILED, message))
        attached = attached or caption is not None
    transcoding_messages_add(process=process, issues=issues)
    if attached:
        notify_bunny_captions_generated(process)

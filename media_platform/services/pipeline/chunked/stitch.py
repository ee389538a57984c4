"""Join the pieces of a chunked process: gather their files, list their segments one after the
other, remux the MP4s with the one sound track, assemble storyboard and preview, publish."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from media_platform.engine.chunking import (
    AUDIO_INDEX,
    SOUND_FILE,
    concat_list,
    joined_playlist,
    piece_jobs,
    renumber_continuity,
    sound_jobs,
)
from media_platform.engine.decode_times import restore_decode_times
from media_platform.engine.finish import apply_finishers
from media_platform.engine.hls import parse_segments
from media_platform.engine.issues import Issue
from media_platform.engine.plan import EncodeContext, HlsMaster, PlannedFile, plan_process
from media_platform.engine.probe import SourceInfo
from media_platform.engine.spec import HlsJob, Job
from media_platform.models import EncodingChunk, EncodingJob, EncodingProcess
from media_platform.services.queueing import enqueue_on_commit
from media_platform.status import ProcessStatus
from media_platform.storage import download_files, list_files, workspace

from ..complete import complete, missing_output
from ..faults import EnvironmentFault
from ..guard import guarded
from ..inspect import inspect_outputs
from ..keys import job_of
from ..lease import ensure_lease, heartbeat, stale_before
from ..progress import ProgressRecorder
from ..publish import upload
from .pieces import STITCH_PENDING, chunk_prefix

DELETE_PREFIX = "media_platform.jobs.maintenance.delete_prefix"


def claim_stitch(process_id: int, worker_name: str) -> EncodingProcess | None:
    if EncodingChunk.objects.filter(process_id=process_id).exclude(status=ProcessStatus.FINISHED).exists():
        return None
    free = Q(claim_token__in=["", STITCH_PENDING]) | Q(heartbeat_at__lt=stale_before())
    token = uuid.uuid4().hex
    taken = EncodingProcess.objects.filter(free, pk=process_id, status=ProcessStatus.PROCESSING).update(
        claim_token=token, worker_name=worker_name[:200], heartbeat_at=timezone.now()
    )
    return EncodingProcess.objects.select_related("library", "video").get(pk=process_id) if taken else None


def gather(process: EncodingProcess, chunk: EncodingChunk, out: Path, pieces: Path) -> list[str]:
    """Fetch a piece's files (all at once): segments and sound into place, frame dumps renamed to
    sort by piece, MP4 pieces aside. Returns the piece's variant playlists' relative paths."""
    prefix = chunk_prefix(process, chunk.index)
    playlists, pairs = [], []
    for name in list_files(prefix):
        relative = name[len(prefix) + 1 :]
        path = Path(relative)
        if chunk.kind == EncodingChunk.Kind.VIDEO and path.suffix == ".m3u8":
            pairs.append((name, pieces / str(chunk.index) / relative))
            playlists.append(relative)
        elif chunk.kind == EncodingChunk.Kind.VIDEO and path.suffix == ".mp4":
            pairs.append((name, pieces / str(chunk.index) / relative))
        elif relative.startswith(".work/"):
            pairs.append((name, out / path.parent / f"{chunk.index:04d}{int(path.stem):05d}{path.suffix}"))
        elif path.name == SOUND_FILE:
            pairs.append((name, pieces / SOUND_FILE))
        else:
            pairs.append((name, out / relative))
    download_files(pairs)
    return playlists


def remux_mp4(parts: list[tuple[Path, float]], sound: Path | None, target: Path) -> None:
    """The pieces (path, seconds) of one MP4 joined by the concat demuxer, with the sound track:
    no re-encoding; each piece for as long as its part of the timeline."""
    listing = target.with_suffix(".ffconcat")
    listing.write_text(concat_list([str(path) for path, _ in parts], [seconds for _, seconds in parts]))
    command = [settings.FFMPEG_BINARY, "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    command += ["-f", "concat", "-safe", "0", "-i", str(listing)]
    if sound is not None:
        command += ["-i", str(sound), "-map", "0:v:0", "-map", "1:a:0"]
    command += ["-c", "copy", "-movflags", "+faststart", str(target)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
    listing.unlink()
    if result.returncode != 0:
        raise EnvironmentFault(f"joining {target.name} failed: {result.stderr.strip()[-300:]}")


def plans(jobs: list[tuple[int, Job]], info: SourceInfo):
    """The plans a single worker would have made: their files and finishers are the stitch's."""
    context = EncodeContext(input_path="source")
    return plan_process(piece_jobs(jobs), info, context), plan_process(sound_jobs(jobs), info, context)


def stitch(process: EncodingProcess, work: Path, recorder: ProgressRecorder) -> None:
    assert process.source_info is not None  # probed before it was cut into pieces
    info = SourceInfo.from_json(process.source_info)
    jobs = [(row.index, job_of(row)) for row in EncodingJob.objects.filter(process=process)]
    hls = next(job for _, job in jobs if isinstance(job, HlsJob))
    out, pieces = work / "out", work / "pieces"
    out.mkdir()
    chunks = list(EncodingChunk.objects.filter(process=process).order_by("index"))
    variant_texts: dict[str, list[str]] = {}
    for chunk in chunks:
        for relative in gather(process, chunk, out, pieces):
            variant_texts.setdefault(relative, []).append((pieces / str(chunk.index) / relative).read_text())
        recorder(0.96 + 0.02 * (chunk.index + 1) / len(chunks))
    for relative, texts in variant_texts.items():
        text = joined_playlist(texts)
        (out / relative).write_text(text)
        folder = (out / relative).parent
        renumber_continuity(folder / segment.uri for segment in parse_segments(text))
    sound = pieces / SOUND_FILE if (pieces / SOUND_FILE).exists() else None
    for name in hls.mp4_fallback:
        mp4 = hls.mp4_fallback_pattern.format(name=name)
        parts = [
            (pieces / str(c.index) / mp4, c.end - c.start) for c in chunks if (pieces / str(c.index) / mp4).exists()
        ]
        for part, _ in parts:  # each piece's encoder times, so that they join like one encode's
            restore_decode_times(part, ffmpeg=settings.FFMPEG_BINARY, ffprobe=settings.FFPROBE_BINARY)
        if parts:
            remux_mp4(parts, sound, out / mp4)
    timeline, audio = plans(jobs, info)
    finishers, files = [], []
    audio_playlist = next((f.path for inv in audio for f in inv.files if f.role == "audio"), None)
    for invocation in timeline:
        for finisher in invocation.finishers:
            if isinstance(finisher, HlsMaster) and audio_playlist and (out / audio_playlist).exists():
                variants = tuple(replace(v, has_audio=False) for v in finisher.variants)
                finisher = replace(finisher, variants=variants, audio_playlist=audio_playlist)
            finishers.append(finisher)
        files += invocation.files
    files += [f for inv in audio for f in inv.files if f.job_index != AUDIO_INDEX]  # the thumbnails
    apply_finishers(out, tuple(finishers), ffmpeg_binary=settings.FFMPEG_BINARY, ffprobe=settings.FFPROBE_BINARY)
    shutil.rmtree(out / ".work", ignore_errors=True)
    finish(process, out, files)


def finish(process: EncodingProcess, out: Path, files: list[PlannedFile]) -> None:
    inspected, missing = inspect_outputs(out, files)
    failed: dict[int, Issue] = {}
    for item in missing:
        failed.setdefault(item.job_index, missing_output(item.path))
    ensure_lease(process)
    EncodingJob.objects.filter(process=process, status=ProcessStatus.PROCESSING).update(
        started_upload_at=timezone.now()
    )
    prefix = upload(process, out)
    complete(process, prefix, inspected, failed)
    enqueue_on_commit("low", DELETE_PREFIX, f"chunks/{process.public_id}")
    if process.source.get("kind") != "storage":
        enqueue_on_commit("low", DELETE_PREFIX, f"work/{process.public_id}")


def encoding_stitch_run(*, process_id: int, worker_name: str, retries_left: int = 0) -> None:
    process = claim_stitch(process_id, worker_name)
    if process is None:
        return
    with guarded(process, retries_left=retries_left):
        with heartbeat(process) as lease_lost, workspace(f"{process.public_id}-stitch") as work:
            recorder = ProgressRecorder(process, lease_lost)
            stitch(process, work, recorder)

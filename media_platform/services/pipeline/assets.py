"""Files a job needs besides the source (watermark and logo images, subtitle files): fetched to
the worker before planning, from a URL, an s3:// URL or the library's own storage."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from pathlib import Path

from django.conf import settings

from media_platform.engine.captions import CaptionError, to_webvtt
from media_platform.engine.issues import Issue, IssueCode, Severity
from media_platform.engine.probe import SourceInfo, probe_file, subtitle_copy_issues
from media_platform.engine.spec import HlsJob, Job, Mp4Job, SubtitleTrack, Watermark
from media_platform.models import EncodingProcess
from media_platform.services.messages import transcoding_messages_add
from media_platform.storage import open_read
from media_platform.storage.s3 import S3Error, download_object, parse_s3_url

from .faults import EnvironmentFault, InputError
from .source import download


def library_key(process: EncodingProcess, path: str) -> str:
    """A path in the library's own storage: libraries/<id>/<path>, never outside it."""
    clean = "/".join(part for part in path.replace("\\", "/").split("/") if part not in ("", ".", ".."))
    return f"libraries/{process.library_id}/{clean}"


def _fault(label: str, source: str, message: str, code: IssueCode = IssueCode.UNDEFINED) -> InputError:
    """`message` follows the quoted source: ": why" or " is …"."""
    return InputError(Issue(Severity.ERROR, code, f"{label} '{source}'{message}"))


def fetch_asset(process: EncodingProcess, source: str, target: Path, label: str = "Watermark") -> None:
    try:
        if source.startswith(("http://", "https://")):
            download(source, target, max_bytes=50 * 1024**2)
        elif source.startswith("s3://"):
            download_object(parse_s3_url(source), target)
        else:
            with open_read(library_key(process, source)) as handle, open(target, "wb") as out:
                shutil.copyfileobj(handle, out)
    except InputError as exc:
        raise _fault(label, source, f": {exc.issue.message}") from exc
    except S3Error as exc:
        if exc.retryable:
            raise EnvironmentFault(str(exc)) from exc
        raise _fault(label, source, f": {exc}") from exc
    except FileNotFoundError as exc:
        raise _fault(label, source, " is not in the library's storage.") from exc


class _Fetcher:
    """Each distinct source fetched once per run, into work/assets."""

    def __init__(self, process: EncodingProcess, work: Path):
        self.process, self.folder = process, work / "assets"
        self.done: dict[tuple[str, str], Path] = {}

    def local(self, path: str) -> bool:
        # A request's path is never read from the worker's disk: only what we fetched is.
        return path.startswith(f"{self.folder}/")

    def fetch(self, source: str, label: str, suffix: str = "") -> Path:
        key = (source, suffix)
        if key not in self.done:
            self.folder.mkdir(exist_ok=True)
            target = self.folder / hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()[:16]
            fetch_asset(self.process, source, target, label)
            if suffix:
                target = self._converted(source, target, suffix)
            self.done[key] = target
        return self.done[key]

    def _converted(self, source: str, fetched: Path, suffix: str) -> Path:
        try:
            text = to_webvtt(fetched.read_bytes())
        except CaptionError as exc:
            code = IssueCode.CAPTION_GENERATION_FAILED
            raise _fault("Subtitles", source, f" could not be used: {exc}", code) from exc
        target = fetched.with_suffix(suffix)
        target.write_text(text, encoding="utf-8")
        return target


def _watermark(fetcher: _Fetcher, mark: Watermark) -> Watermark:
    if fetcher.local(mark.source):
        return mark
    path = fetcher.fetch(mark.source, "Watermark")
    if mark.width in (None, "") and mark.height in (None, ""):
        # Neither side asked for (a vidinfra logo): the image keeps its own size.
        try:
            info = probe_file(str(path), ffprobe=settings.FFPROBE_BINARY)
        except InputError as exc:
            raise _fault("Watermark", mark.source, " is not an image.") from exc
        if info.video is None or not info.video.width:
            raise _fault("Watermark", mark.source, " is not an image.")
        mark = replace(mark, width=str(info.video.width))
    return replace(mark, source=str(path))


def _subtitles(fetcher: _Fetcher, tracks: tuple[SubtitleTrack, ...]) -> tuple[SubtitleTrack, ...]:
    resolved = []
    for track in tracks:
        if not fetcher.local(track.source):
            track = replace(track, source=str(fetcher.fetch(track.source, "Subtitles", ".vtt")))
        resolved.append(track)
    return tuple(resolved)


def resolve_assets(process: EncodingProcess, jobs: list[tuple[int, Job]], work: Path) -> list[tuple[int, Job]]:
    fetcher = _Fetcher(process, work)
    resolved = []
    for index, job in jobs:
        transformations = tuple(_watermark(fetcher, t) if isinstance(t, Watermark) else t for t in job.transformations)
        job = replace(job, transformations=transformations)
        if isinstance(job, HlsJob | Mp4Job) and job.subtitles:
            job = replace(job, subtitles=_subtitles(fetcher, job.subtitles))
        resolved.append((index, job))
    _note_subtitle_copies(process, [job for _, job in resolved])
    return resolved


def _note_subtitle_copies(process: EncodingProcess, jobs: list[Job]) -> None:
    """Source subtitles that a copy will leave behind (pictures of text) become Information messages."""
    if not any(isinstance(job, HlsJob | Mp4Job) and job.copy_subtitles for job in jobs):
        return
    # Probed just before us and stored on the row (not on this instance).
    stored = EncodingProcess.objects.filter(pk=process.pk).values_list("source_info", flat=True).first()
    if stored:
        transcoding_messages_add(process=process, issues=subtitle_copy_issues(SourceInfo.from_json(stored)))

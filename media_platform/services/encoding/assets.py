"""Files a job needs besides the source (watermark and logo images): fetched to the worker
before planning, from a URL, an s3:// URL or the library's own storage."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from pathlib import Path

from media_platform.encoding.issues import Issue, IssueCode, Severity
from media_platform.encoding.spec import Job, Watermark
from media_platform.models import EncodingProcess
from media_platform.storage import open_read
from media_platform.storage.s3 import S3Error, download_object, parse_s3_url

from .faults import EnvironmentFault, InputError
from .source import download


def library_key(process: EncodingProcess, path: str) -> str:
    """A path in the library's own storage: libraries/<id>/<path>, never outside it."""
    clean = "/".join(part for part in path.replace("\\", "/").split("/") if part not in ("", ".", ".."))
    return f"libraries/{process.library_id}/{clean}"


def fetch_asset(process: EncodingProcess, source: str, target: Path) -> None:
    try:
        if source.startswith(("http://", "https://")):
            download(source, target, max_bytes=50 * 1024**2)
        elif source.startswith("s3://"):
            download_object(parse_s3_url(source), target)
        else:
            with open_read(library_key(process, source)) as handle, open(target, "wb") as out:
                shutil.copyfileobj(handle, out)
    except InputError as exc:
        raise InputError(
            Issue(Severity.ERROR, IssueCode.UNDEFINED, f"Watermark '{source}': {exc.issue.message}")
        ) from exc
    except S3Error as exc:
        if exc.retryable:
            raise EnvironmentFault(str(exc)) from exc
        raise InputError(Issue(Severity.ERROR, IssueCode.UNDEFINED, f"Watermark '{source}': {exc}")) from exc
    except FileNotFoundError as exc:
        raise InputError(
            Issue(Severity.ERROR, IssueCode.UNDEFINED, f"Watermark '{source}' is not in the library's storage.")
        ) from exc


def resolve_assets(process: EncodingProcess, jobs: list[tuple[int, Job]], work: Path) -> list[tuple[int, Job]]:
    folder = work / "assets"
    fetched: dict[str, str] = {}
    resolved = []
    for index, job in jobs:
        transformations = []
        for t in job.transformations:
            # A request's path is never read from the worker's disk: only what we fetched is.
            if isinstance(t, Watermark) and not t.source.startswith(f"{folder}/"):
                if t.source not in fetched:
                    folder.mkdir(exist_ok=True)
                    target = folder / hashlib.sha1(t.source.encode(), usedforsecurity=False).hexdigest()[:16]
                    fetch_asset(process, t.source, target)
                    fetched[t.source] = str(target)
                t = replace(t, source=fetched[t.source])
            transformations.append(t)
        resolved.append((index, replace(job, transformations=tuple(transformations))))
    return resolved

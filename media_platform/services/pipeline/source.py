"""Bring a process's source to the worker's disk: storage, an HTTP(S) URL, or S3."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings

from media_platform.crypto import decrypt, encrypt
from media_platform.engine.issues import Issue, IssueCode, Severity
from media_platform.models import EncodingProcess
from media_platform.net import BlockedAddress, blocked_reason, guarded_session
from media_platform.storage import local_copy
from media_platform.storage.s3 import S3Error, S3Location, download_object

from .faults import EnvironmentFault, InputError

CHUNK = 1024 * 1024


def url_source(url: str, headers: dict | None = None) -> dict:
    """A URL source as stored on a process: the URL and its headers (which may carry tokens, a
    password or a presigned signature) encrypted; `url` kept only for display, without them."""
    secret = encrypt(json.dumps({"url": url, "headers": headers or {}}))
    return {"kind": "url", "url": display_url(url), "secret": secret}


def display_url(url: str) -> str:
    """scheme://host/path: no user info, no query string."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
    except ValueError:  # not a URL one could fetch anyway: show only its scheme
        return url.split(":", 1)[0] + ":"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def source_error(message: str) -> InputError:
    return InputError(Issue(Severity.ERROR, IssueCode.ORIGINAL_CORRUPTED, message))


def download(url: str, target: Path, *, headers: dict | None = None, max_bytes: int | None = None) -> int:
    """Stream a URL to disk. Refusals and 4xx are the request's fault; the rest may pass."""
    max_bytes = max_bytes or settings.MAX_UPLOAD_BYTES
    written = 0
    try:
        with (
            guarded_session() as session,
            session.get(url, headers=headers or {}, stream=True, timeout=(10, 60)) as response,
        ):
            if 400 <= response.status_code < 500:
                raise source_error(f"The source URL answered HTTP {response.status_code}.")
            if response.status_code >= 300:
                raise EnvironmentFault(f"the source URL answered HTTP {response.status_code}")
            with open(target, "wb") as handle:
                for chunk in response.iter_content(CHUNK):
                    written += len(chunk)
                    if written > max_bytes:
                        raise source_error(f"The source is larger than the {max_bytes}-byte limit.")
                    handle.write(chunk)
    except BlockedAddress as exc:
        raise source_error(f"The source URL is not allowed: {exc}") from exc
    except requests.exceptions.InvalidURL as exc:
        raise source_error(f"The source URL is not valid: {exc}") from exc
    except requests.exceptions.TooManyRedirects as exc:
        raise source_error("The source URL redirects too many times.") from exc
    except requests.RequestException as exc:
        if reason := blocked_reason(exc):
            raise source_error(f"The source URL is not allowed: {reason}") from exc
        raise EnvironmentFault(f"downloading the source failed: {exc}") from exc
    return written


@contextmanager
def materialize(process: EncodingProcess, work: Path) -> Iterator[Path]:
    source = process.source
    kind = source.get("kind")
    if kind == "storage":
        try:
            with local_copy(source["name"], work) as path:
                if not path.exists():
                    raise source_error("The original file is missing from storage.")
                yield path
        except FileNotFoundError as exc:
            raise source_error("The original file is missing from storage.") from exc
        return
    if kind == "url":
        target = work / "source"
        request = json.loads(decrypt(source["secret"], what="the source URL"))
        download(request["url"], target, headers=request.get("headers"))
        yield target
        return
    if kind == "s3":
        location = S3Location.from_json(source)
        target = work / "source"
        try:
            download_object(location, target)
        except S3Error as exc:
            if exc.retryable:
                raise EnvironmentFault(f"downloading the source failed: {exc}") from exc
            raise source_error(f"The source could not be read: {exc}.") from exc
        yield target
        return
    raise ValueError(f"unknown source kind {kind!r}")

"""Where a request's files are: a path in the library's storage, an http(s) URL, or an s3:// URL
(`s3://bucket/key?access_key=&secret_key=&region=&endpoint=`).

Sources and watermarks are checked before a request is accepted (the file is in storage, the
S3 object can be read), S3 destinations too (the bucket exists and the credentials may use
it), so a bad location is a 400 naming the field, not a failed process later. http(s) URLs
are fetched by the worker through the SSRF guard, which refuses private addresses there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from media_platform.models import EncodingProcess, Library
from media_platform.net import url_host_problem
from media_platform.services.pipeline.assets import library_key
from media_platform.storage import exists
from media_platform.storage.s3 import S3Error, S3Location, check_readable, check_writable, parse_s3_url

from .fields import Errors, leaf

MAX_URL = 2000
_url = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class Location:
    kind: str  # storage | url | s3
    value: str  # storage: the path inside the library, cleaned; url and s3: the URL as given
    s3: S3Location | None = None

    @property
    def path(self) -> str:
        """The part that names the file: the storage path or the object key (never the query)."""
        return self.s3.key if self.s3 is not None else self.value


def clean_path(value: str) -> str:
    return "/".join(part for part in value.replace("\\", "/").split("/") if part not in ("", "."))


def parse_location(errors: Errors, path: str, value: str, *, allow_url: bool) -> Location | None:
    name = leaf(path)
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if scheme == "s3":
        try:
            location = parse_s3_url(value)
        except S3Error:
            errors.add(path, f"{name} must be a valid s3://bucket/key URL")
            return None
        if location.endpoint and not location.endpoint.startswith(("http://", "https://")):
            errors.add(path, f"{name} endpoint must be an http(s) URL")
            return None
        return Location("s3", value, location)
    if scheme:
        if scheme in ("http", "https") and allow_url and is_url(value):
            return Location("url", value)
        kinds = "a path in your storage, an http(s) URL or an s3:// URL" if allow_url else "a path or an s3:// URL"
        errors.add(path, f"{name} must be {kinds}")
        return None
    clean = clean_path(value)
    if ".." in clean.split("/"):
        errors.add(path, f"{name} must not contain '..'")
        return None
    if not clean:
        errors.add(path, f"{name} should not be empty")
        return None
    return Location("storage", clean)


def is_url(value: str) -> bool:
    if len(value) > MAX_URL:
        return False
    try:
        _url(value)
    except ValidationError:
        return False
    return True


def storage_key(library: Library, path: str) -> str:
    return library_key(EncodingProcess(library=library), path)


@dataclass(frozen=True)
class Check:
    path: str  # the field
    location: Location
    write: bool


def run_checks(errors: Errors, checks: list[Check], library: Library) -> None:
    """Each distinct location is checked once; a failure is reported on every field naming it."""
    outcome: dict[tuple[str, bool], str | None] = {}
    for check in checks:
        key = (check.location.value, check.write)
        if key not in outcome:
            outcome[key] = _problem(check, library)
        if outcome[key]:
            errors.add(check.path, f"{leaf(check.path)} {outcome[key]}")


def _problem(check: Check, library: Library) -> str | None:
    location = check.location
    if location.kind == "storage":
        if check.write or exists(storage_key(library, location.value)):
            return None
        return "was not found in your storage"
    if location.kind != "s3" or location.s3 is None:
        return None
    if blocked := _blocked_endpoint(location.s3.endpoint):
        return blocked
    try:
        if check.write:
            check_writable(location.s3)
        else:
            check_readable(location.s3)
    except S3Error as exc:
        return f"could not be {'written' if check.write else 'read'}: {exc}"
    return None


def _blocked_endpoint(endpoint: str | None) -> str | None:
    """A request-named endpoint must not point into the platform's own network (SSRF)."""
    problem = url_host_problem(endpoint) if endpoint else None
    if problem is None:
        return None
    if "resolve" in problem:
        return f"could not be reached: the S3 endpoint {endpoint} does not resolve"
    return f"is not allowed: the S3 endpoint {endpoint} is a private or reserved address"

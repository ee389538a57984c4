"""The one check of the locations a request names, made before the request is accepted.

An S3 location passes three gates, in order: its endpoint may be called at all (the platform's
storage policy, storage/s3.py's endpoint_problem: the SSRF guard, with the platform's own
S3_ENDPOINT_URL always allowed); something answers there (one quick connection, as boto3 would
retry for many seconds); the object can be read, or the bucket written under the key, with the
request's own credentials. A path in the library's storage must exist to be read. Each distinct
location is tried once per request, however many fields name it, and every field naming a bad
one hears why, in its dialect's words (a Wording).

An endpoint a request names is an http(s) URL of a host (and port), nothing after it: the one
rule of every dialect, whether the endpoint has a field of its own or rides in an s3:// URL.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlparse

from media_platform.models import EncodingProcess, Library
from media_platform.services.pipeline.assets import library_key
from media_platform.storage import exists
from media_platform.storage.s3 import (
    S3Error,
    S3Location,
    check_readable,
    check_writable,
    endpoint_problem,
    parse_s3_url,
)

from .fields import FieldErrors, leaf

CONNECT_TIMEOUT = 5.0


class Trouble(StrEnum):
    REFUSED = "refused"  # the endpoint is a private or reserved address (SSRF)
    UNRESOLVED = "unresolved"  # the endpoint's host does not resolve
    UNREACHABLE = "unreachable"  # nothing answers at the endpoint
    UNUSABLE = "unusable"  # S3 answered no: no bucket, no object, credentials denied
    MISSING = "missing"  # not in the library's storage


# A dialect's words for each trouble: templates of {endpoint}, {detail}, {verb} ("read" or
# "written") and {side} ("input" or "output").
Wording = Mapping[Trouble, str]


@dataclass(frozen=True)
class Problem:
    trouble: Trouble
    detail: str  # in words, for after a colon: "host 10.0.0.1 is a private or reserved address"
    endpoint: str | None = None

    def words(self, wording: Wording, *, write: bool) -> str:
        verb, side = ("written", "output") if write else ("read", "input")
        return wording[self.trouble].format(endpoint=self.endpoint, detail=self.detail, verb=verb, side=side)


def endpoint_url(value: str, use_tls: bool) -> str | None:
    """The endpoint as a URL (the scheme from use_tls when it has none); None when it is not one."""
    url = value if "://" in value else f"{'https' if use_tls else 'http'}://{value}"
    try:
        parsed = urlparse(url)
    except ValueError:  # "Invalid IPv6 URL": an unbalanced bracket
        return None
    if parsed.scheme not in ("http", "https") or not parsed.hostname or parsed.path.strip("/") or parsed.query:
        return None
    try:
        parsed.port  # noqa: B018 - a bad port raises here
    except ValueError:
        return None
    return url.rstrip("/")


def is_endpoint(value: str) -> bool:
    """An http(s) URL of a host, with its scheme: what an s3:// URL's endpoint= must be."""
    return "://" in value and endpoint_url(value, True) == value.rstrip("/")


def parse_s3_field(errors: FieldErrors, path: str, value: str) -> S3Location | None:
    """A field holding s3://bucket/key?access_key=…&secret_key=…&region=…&endpoint=…"""
    name = leaf(path)
    try:
        location = parse_s3_url(value)
    except S3Error:
        errors.add(path, f"{name} must be a valid s3://bucket/key URL")
        return None
    if location.endpoint and not is_endpoint(location.endpoint):
        errors.add(path, f"{name} endpoint must be an http(s) URL")
        return None
    return location


@dataclass(frozen=True)
class Place:
    """A location a request names: an S3 object (or, to write, a key prefix), or a path in the
    library's own storage (s3 None)."""

    s3: S3Location | None = None
    path: str = ""
    write: bool = False

    def identity(self) -> tuple:
        s3 = self.s3
        if s3 is None:
            return ("storage", self.path, self.write)
        return (s3.endpoint, s3.bucket, s3.key, s3.access_key, s3.secret_key, self.write)


def s3_problem(location: S3Location, *, write: bool) -> Problem | None:
    endpoint = location.endpoint
    if endpoint and (refused := endpoint_problem(endpoint)):
        trouble = Trouble.UNRESOLVED if "does not resolve" in refused else Trouble.REFUSED
        return Problem(trouble, refused, endpoint)
    if endpoint and not _answers(endpoint):
        return Problem(Trouble.UNREACHABLE, f"the S3 endpoint {endpoint} is unreachable", endpoint)
    try:
        if write:
            check_writable(location)
        else:
            check_readable(location)
    except S3Error as exc:
        return Problem(Trouble.UNUSABLE, str(exc), endpoint)
    return None


def _answers(endpoint: str) -> bool:
    parsed = urlparse(endpoint)
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        socket.create_connection((parsed.hostname, port), timeout=CONNECT_TIMEOUT).close()
    except (OSError, ValueError):
        return False
    return True


def place_problem(place: Place, library: Library) -> Problem | None:
    if place.s3 is not None:
        return s3_problem(place.s3, write=place.write)
    if place.write or exists(library_key(EncodingProcess(library=library), place.path)):
        return None  # a path to write needs nothing there yet
    return Problem(Trouble.MISSING, f"{place.path} was not found")


class PlaceChecks:
    """The places a request names, gathered while its fields are read, tried after."""

    def __init__(self) -> None:
        self.named: list[tuple[str, Place]] = []

    def add(self, field: str, place: Place) -> None:
        self.named.append((field, place))

    def report(self, errors: FieldErrors, library: Library, wording: Wording) -> None:
        """Each field naming a place that cannot be used fails: "<its name> <the dialect's words>"."""
        for field, place, problem in self.problems(library):
            errors.add(field, f"{leaf(field)} {problem.words(wording, write=place.write)}")

    def problems(self, library: Library) -> list[tuple[str, Place, Problem]]:
        """(field, place, problem) for each field that names a place that cannot be used."""
        outcome: dict[tuple, Problem | None] = {}
        found = []
        for field, place in self.named:
            key = place.identity()
            if key not in outcome:
                outcome[key] = place_problem(place, library)
            if (problem := outcome[key]) is not None:
                found.append((field, place, problem))
        return found

"""vidinfra's storage objects: `source` and each format's `destination`, S3 only.

    {"type": "s3", "region", "key", "secret", "bucket", "endpoint", "path", "use_tls", "is_passive"}

`path` is the object key (source) or the key prefix (destination), a leading '/' ignored; an
endpoint without a scheme gets https:// (or http:// with use_tls false); `permissions: true` on a
destination uploads its files public-read. `key` and `secret` go together; without both the
bucket is used anonymously (never with the platform's own credentials). Before a request is
accepted the source must be readable and each destination writable with the credentials given
(a probe object is written and removed), and a request-named endpoint must not point into the
platform's own network (SSRF).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlparse

from media_platform.crypto import mask
from media_platform.models import EncodingProcess, Library
from media_platform.net import url_host_problem
from media_platform.services.pipeline.assets import library_key
from media_platform.storage import exists
from media_platform.storage.s3 import S3Error, S3Location, check_readable, check_writable

from .fields import Bool, Errors, Text, at, leaf, read

CONNECT_TIMEOUT = 5.0
CREDENTIALS = {"key": "access key id", "secret": "secret access key"}
S3_KINDS = {
    "type": Text(lower=True),
    "region": Text(max_length=64),
    "key": Text(max_length=500),
    "secret": Text(max_length=500),
    "bucket": Text(max_length=255),
    "endpoint": Text(max_length=2000),
    "path": Text(max_length=1024),
    "use_tls": Bool(default=True),
    "is_passive": Bool(),
}
SOURCE_ECHO = ("region", "type", "key", "secret", "bucket", "endpoint", "path", "use_tls", "is_passive")
DESTINATION_ECHO = (
    "type", "key", "secret", "bucket", "region", "path", "endpoint", "permissions", "use_tls", "is_passive"
)  # fmt: skip


@dataclass(frozen=True)
class Storage:
    location: S3Location
    echo: dict  # as responses show it: the request's fields, credentials masked


def endpoint_url(value: str, use_tls: bool) -> str | None:
    """The endpoint as a URL (scheme added from use_tls when missing); None when it is not one."""
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


def s3_object(errors: Errors, data: dict, path: str, *, destination: bool) -> Storage | None:
    kinds = {**S3_KINDS, "permissions": Bool()} if destination else S3_KINDS
    before = len(errors.entries)
    clean, echo = read(errors, data, path, kinds)
    if clean["type"] != "s3":
        errors.add(at(path, "type"), "type must be s3 (the only storage type supported)")
    if not clean["bucket"] or "/" in clean["bucket"]:
        errors.add(at(path, "bucket"), "bucket is required: the name of an S3 bucket")
    key = (clean["path"] or "").lstrip("/")
    if not destination and not key.strip("/"):
        errors.add(at(path, "path"), "path is required: the key of the source object")
    for name, other in (("key", "secret"), ("secret", "key")):
        if clean[other] and not clean[name]:
            errors.add(at(path, name), f"{name} is required with {other}: the {CREDENTIALS[name]} for this bucket")
    endpoint = None
    if clean["endpoint"]:
        endpoint = endpoint_url(clean["endpoint"], clean["use_tls"] is not False)
        if endpoint is None:
            errors.add(at(path, "endpoint"), "endpoint must be a host name or an http(s) URL without a path")
    if len(errors.entries) > before:
        return None
    location = S3Location(
        bucket=clean["bucket"],
        key=key.strip("/") if destination else key,
        region=clean["region"],
        endpoint=endpoint,
        access_key=clean["key"],
        secret_key=clean["secret"],
        public_read=bool(clean.get("permissions")),
    )
    echo.update(key=mask(clean["key"]), secret=mask(clean["secret"]))
    order = DESTINATION_ECHO if destination else SOURCE_ECHO
    return Storage(location, {name: echo[name] for name in order})


# --- Checks against the real storage -----------------------------------------------------
@dataclass(frozen=True)
class Check:
    """A location to try before accepting: an S3 object or bucket, or a path in the library."""

    field: str
    location: S3Location | None
    write: bool = False
    storage_path: str = ""

    def key(self) -> tuple:
        loc = self.location
        if loc is None:
            return ("storage", self.storage_path)
        return (loc.endpoint, loc.bucket, "" if self.write else loc.key, loc.access_key, loc.secret_key, self.write)


def run_checks(errors: Errors, checks: list[Check], library: Library) -> None:
    """Each distinct location checked once; a failure is reported on every field naming it."""
    outcome: dict[tuple, str | None] = {}
    for check in checks:
        if check.key() not in outcome:
            outcome[check.key()] = _problem(check, library)
        if outcome[check.key()]:
            errors.add(check.field, f"{leaf(check.field)} {outcome[check.key()]}")


def _problem(check: Check, library: Library) -> str | None:
    location = check.location
    if location is None:
        found = exists(library_key(EncodingProcess(library=library), check.storage_path))
        return None if found else "was not found in your library's storage"
    if location.endpoint and (problem := _endpoint_problem(location.endpoint)):
        return problem
    try:
        if check.write:
            check_writable(location)
        else:
            check_readable(location)
    except S3Error as exc:
        return f"could not be {'written' if check.write else 'read'}: {exc}"
    return None


def _endpoint_problem(endpoint: str) -> str | None:
    """Refused when it resolves into the platform's own network; unreachable when nothing answers
    (checked with one quick connection: boto would retry for many seconds)."""
    if problem := url_host_problem(endpoint):
        if "does not resolve" in problem:
            return f"could not be reached: the S3 endpoint {endpoint} does not resolve"
        return f"is not allowed: the S3 endpoint {endpoint} is a private or reserved address"
    parsed = urlparse(endpoint)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        socket.create_connection((parsed.hostname, port), timeout=CONNECT_TIMEOUT).close()
    except OSError:
        return f"could not be reached: nothing answers at the S3 endpoint {endpoint}"
    return None

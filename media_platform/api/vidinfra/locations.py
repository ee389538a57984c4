"""vidinfra's storage objects: `source` and each format's `destination`, S3 only.

    {"type": "s3", "region", "key", "secret", "bucket", "endpoint", "path", "use_tls", "is_passive"}

`path` is the object key (source) or the key prefix (destination), a leading '/' ignored; an
endpoint without a scheme gets https:// (or http:// with use_tls false); `permissions: true` on a
destination uploads its files public-read. `key` and `secret` go together; without both the
bucket is used anonymously (never with the platform's own credentials). Before a request is
accepted the source must be readable and each destination writable with the credentials given
(a probe object is written and removed), and a request-named endpoint must not point into the
platform's own network (SSRF) unless it is the platform's own S3_ENDPOINT_URL: the check every
dialect makes (api/common/locations.py), in this service's words.
"""

from __future__ import annotations

from dataclasses import dataclass

from media_platform.api.common.fields import FieldErrors, at
from media_platform.api.common.locations import Trouble, endpoint_url
from media_platform.crypto import mask
from media_platform.storage.s3 import S3Location

from .fields import Bool, Text, read

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


def s3_object(errors: FieldErrors, data: dict, path: str, *, destination: bool) -> Storage | None:
    kinds = {**S3_KINDS, "permissions": Bool()} if destination else S3_KINDS
    before = len(errors)
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
    if len(errors) > before:
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


# The location check every dialect makes (api/common/locations.py), in this service's words.
WORDING = {
    Trouble.MISSING: "was not found in your library's storage",
    Trouble.REFUSED: "is not allowed: the S3 endpoint {endpoint} is a private or reserved address",
    Trouble.UNRESOLVED: "could not be reached: the S3 endpoint {endpoint} does not resolve",
    Trouble.UNREACHABLE: "could not be reached: nothing answers at the S3 endpoint {endpoint}",
    Trouble.UNUSABLE: "could not be {verb}: {detail}",
}

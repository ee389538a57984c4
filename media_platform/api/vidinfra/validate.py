"""`POST /jobs` and `PUT /jobs/{id}` bodies: every field checked, every failure reported at once
(400, nothing created or queued), S3 locations tried before the job is accepted."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from media_platform.api.common.fields import FieldErrors, at, is_http_url
from media_platform.api.common.locations import Place, PlaceChecks
from media_platform.crypto import mask
from media_platform.models import Library
from media_platform.storage.s3 import S3Location

from .errors import ValidationFailed, error_details
from .fields import Bool, Text, obj, read
from .formats import Format, file_names, read_format
from .locations import WORDING, Storage, s3_object

MAX_FORMATS = 20
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")
# Headers the platform sets itself on every delivery; a client may not replace them.
RESERVED_HEADERS = {"content-type", "content-length", "host", "user-agent", "transfer-encoding", "connection"}


@dataclass(frozen=True)
class Webhook:
    url: str
    headers: dict[str, str]

    def echo(self, *, masked: bool) -> dict:
        headers = {k: mask(v) for k, v in self.headers.items()} if masked else dict(self.headers)
        return {"url": self.url, "headers": headers}


@dataclass
class Valid:
    """The parts of a request that were given (a PUT may give only some), checked."""

    given: set[str] = field(default_factory=set)
    video_id: str = ""
    upscale: bool = False
    webhook: Webhook | None = None
    source: Storage | None = None
    formats: list[Format] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        return [note for fmt in self.formats for note in fmt.notes]


def validate_create(data: Any, library: Library) -> Valid:
    return _validate(data, library, required=("source", "format"))


def validate_update(data: Any, library: Library) -> Valid:
    """A PUT replaces what it names (webhook_config, source, format, video_id, upscale)."""
    valid = _validate(data, library, required=())
    if not valid.given:
        raise ValidationFailed([{"field": "body", "message": "name at least one of webhook_config, source, format"}])
    if "upscale" in valid.given and not valid.formats:
        raise ValidationFailed([{"field": "upscale", "message": "upscale changes the outputs: send format with it"}])
    return valid


def _validate(data: Any, library: Library, *, required: tuple[str, ...]) -> Valid:
    if not isinstance(data, dict):
        raise ValidationFailed([{"field": "body", "message": "the body must be a JSON object"}])
    errors, checks = FieldErrors(), PlaceChecks()
    given = {name for name in ("video_id", "upscale", "webhook_config", "source", "format") if name in data}
    top, _ = read(errors, data, "", {"video_id": Text(max_length=200), "upscale": Bool()})
    valid = Valid(given=given, video_id=top["video_id"] or "", upscale=bool(top["upscale"]))
    if "webhook_config" in data:
        valid.webhook = _webhook(errors, data)
    if "source" in data or "source" in required:
        source = obj(errors, data, "", "source", required=True)
        if source is not None:
            valid.source = s3_object(errors, source, "source", destination=False)
        if valid.source is not None:
            checks.add("source", Place(valid.source.location, write=False))
    if "format" in data or "format" in required:
        valid.formats = _formats(errors, data, checks)
        for fmt in valid.formats:
            if "upscale" in fmt.echo and fmt.clean.get("upscale") is None:
                fmt.echo["upscale"] = valid.upscale  # the job's, which the output follows
    checks.report(errors, library, WORDING)
    if errors:
        raise ValidationFailed(error_details(errors))
    return valid


def _webhook(errors: FieldErrors, data: dict) -> Webhook | None:
    value = obj(errors, data, "", "webhook_config")
    if value is None:
        return None
    url = value.get("url")
    if not isinstance(url, str) or not is_http_url(url.strip()):
        errors.add("webhook_config.url", "url must be an http(s) URL")
    headers = value.get("headers") or {}
    if not isinstance(headers, dict):
        errors.add("webhook_config.headers", "headers must be an object of header names to string values")
        headers = {}
    clean = {}
    for name, header in headers.items():
        path = at("webhook_config.headers", name)
        if not HEADER_NAME.match(str(name)) or str(name).lower() in RESERVED_HEADERS:
            errors.add(path, f"'{name}' is not a header name the webhook may carry")
        elif not isinstance(header, str) or "\n" in header or "\r" in header or len(header) > 4000:
            errors.add(path, f"{name} must be a single-line string")
        else:
            clean[str(name)] = header
    if errors.has("webhook_config"):
        return None
    return Webhook(url.strip(), clean)


def _formats(errors: FieldErrors, data: dict, checks: PlaceChecks) -> list[Format]:
    value = data.get("format")
    if not isinstance(value, list) or not value:
        errors.add("format", "format must be a list of at least one output")
        return []
    if len(value) > MAX_FORMATS:
        errors.add("format", f"format must have at most {MAX_FORMATS} outputs")
        return []
    formats = [fmt for index, item in enumerate(value) if (fmt := read_format(errors, item, index, checks))]
    _collisions(errors, formats)
    return formats


def _collisions(errors: FieldErrors, formats: list[Format]) -> None:
    """Formats sharing a destination must not write the same names there."""
    owners: dict[tuple, dict[str, int]] = {}
    for fmt in formats:
        if fmt.destination is None or errors.has(fmt.path):
            continue  # each format without a destination gets a folder of its own
        owned = owners.setdefault(_place(fmt.destination), {})
        for name in file_names(fmt):
            if name in owned:
                where = f"s3://{fmt.destination.bucket}/{fmt.destination.key}"
                errors.add(
                    at(fmt.path, "destination"),
                    f"destination would overwrite '{name}' written by format[{owned[name]}] at {where}: "
                    "give this output another path",
                )
            owned.setdefault(name, fmt.index)


def _place(location: S3Location) -> tuple:
    return (location.endpoint, location.bucket, location.key.strip("/"))

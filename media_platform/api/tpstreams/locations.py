"""The request's locations: `input_url` (http/https, or an s3:// path as the service's table allows),
`input_path` and `output_path` (`s3://bucket/key/?access_key=&secret_key=&region=[&endpoint=]`).

S3 locations are checked before a job is accepted (the input object can be read, the output
bucket exists and the credentials may use it), so a bad one is a 400 naming its field rather
than a failed job later. Credentials are required: without them boto3 would fall back to the
platform's own. An `endpoint=` (any S3-compatible server) must not point into the platform's
network; http(s) inputs are fetched by the worker through the SSRF guard, and refused here
already when their host is private. Messages never repeat a whole URL: it may hold credentials.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from media_platform.net import url_host_problem
from media_platform.services.pipeline.source import url_source
from media_platform.storage.s3 import S3Error, S3Location, check_readable, check_writable, mask_url, parse_s3_url

MAX_URL = 4000
BUCKET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$")
_http_url = URLValidator(schemes=["http", "https"])


class Invalid(Exception):
    """The message to show for the field."""


@dataclass(frozen=True)
class Input:
    url: str  # as sent
    s3: S3Location | None = None  # None: an http(s) URL

    @property
    def source(self) -> dict:
        """The process's source: credentials encrypted."""
        return self.s3.to_json() if self.s3 is not None else url_source(self.url)


def masked(url: str) -> str:
    """The URL as it may be shown: S3 keys as `access_key=****abcd`, a userinfo password as `****`."""
    shown = mask_url(url)
    parsed = urlparse(shown)
    if parsed.password:
        user = parsed.username or ""
        host = parsed.netloc.rsplit("@", 1)[1]
        shown = parsed._replace(netloc=f"{user}:****@{host}").geturl()
    return shown


def parse_s3(value: str, *, object_required: bool) -> S3Location:
    if not value.lower().startswith("s3://"):
        raise Invalid("Enter a valid S3 path: s3://bucket/path/?access_key=…&secret_key=…&region=….")
    try:
        location = parse_s3_url(value)
    except S3Error as exc:
        raise Invalid("Enter a valid S3 path: s3://bucket/path/?access_key=…&secret_key=…&region=….") from exc
    if not BUCKET.match(location.bucket):
        raise Invalid("The S3 path does not name a valid bucket.")
    if object_required and not location.key:
        raise Invalid("The S3 path must name the video object: s3://bucket/video.mp4/?….")
    if not (location.access_key and location.secret_key):
        raise Invalid("The S3 path must carry access_key and secret_key query parameters.")
    if location.endpoint and not _is_http_url(location.endpoint):
        raise Invalid("The S3 endpoint must be an http(s) URL.")
    return location


def parse_input_url(value: str) -> Input:
    if value.lower().startswith("s3://"):
        return Input(value, parse_s3(value, object_required=True))
    if not _is_http_url(value):
        raise Invalid("Enter a valid URL.")
    if problem := host_problem(value):
        raise Invalid(f"The input URL {problem}.")
    return Input(value)


def check_s3(location: S3Location, *, write: bool) -> str | None:
    """Why the location cannot be used, or None."""
    if location.endpoint and location.endpoint != settings.S3_ENDPOINT_URL:
        if problem := host_problem(location.endpoint):
            return f"The S3 endpoint {problem}."
    try:
        if write:
            check_writable(location)
        else:
            check_readable(location)
    except S3Error as exc:
        return f"The {'output' if write else 'input'} location cannot be {'written' if write else 'read'}: {exc}."
    return None


def host_problem(url: str) -> str | None:
    """A URL whose host is private or reserved (SSRF), or does not resolve; None when it may be called."""
    return url_host_problem(url)


def _is_http_url(value: str) -> bool:
    if len(value) > MAX_URL:
        return False
    try:
        _http_url(value)
    except ValidationError:
        return False
    return True

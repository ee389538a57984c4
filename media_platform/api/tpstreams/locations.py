"""The request's locations: `input_url` (http/https, or an s3:// path as the service's table allows),
`input_path` and `output_path` (`s3://bucket/key/?access_key=&secret_key=&region=[&endpoint=]`).

S3 locations are checked before a job is accepted (the input object can be read, the output
bucket exists and the credentials may use it), so a bad one is a 400 naming its field rather
than a failed job later: the check every dialect makes (api/common/locations.py), in this
service's words. Credentials are required: without them boto3 would fall back to the platform's
own. http(s) inputs are fetched by the worker through the SSRF guard, and refused here already
when their host is private. Messages never repeat a whole URL: it may hold credentials.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

from media_platform.api.common.fields import is_http_url
from media_platform.api.common.locations import Trouble, is_endpoint, s3_problem
from media_platform.net import url_host_problem
from media_platform.services.pipeline.source import url_source
from media_platform.storage.s3 import S3Error, S3Location, mask_url, parse_s3_url

# The longest location field: an S3 path carries its credentials in the query.
MAX_LOCATION = 4000
BUCKET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$")


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
    if location.endpoint and not is_endpoint(location.endpoint):
        raise Invalid("The S3 endpoint must be an http(s) URL.")
    return location


def parse_input_url(value: str) -> Input:
    if value.lower().startswith("s3://"):
        return Input(value, parse_s3(value, object_required=True))
    if not is_http_url(value):
        raise Invalid("Enter a valid URL.")
    if problem := url_host_problem(value):
        raise Invalid(f"The input URL {problem}.")
    return Input(value)


# The location check every dialect makes (api/common/locations.py), in this service's words.
WORDING = {
    Trouble.REFUSED: "The S3 endpoint {detail}.",
    Trouble.UNRESOLVED: "The S3 endpoint {detail}.",
    Trouble.UNREACHABLE: "The {side} location cannot be {verb}: {detail}.",
    Trouble.UNUSABLE: "The {side} location cannot be {verb}: {detail}.",
}


def check_s3(location: S3Location, *, write: bool) -> str | None:
    """Why the location cannot be used, or None."""
    problem = s3_problem(location, write=write)
    return problem.words(WORDING, write=write) if problem is not None else None

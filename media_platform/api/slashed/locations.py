"""Where a request's files are: a path in the library's storage, an http(s) URL, or an s3:// URL
(`s3://bucket/key?access_key=&secret_key=&region=&endpoint=`).

Sources and watermarks are checked before a request is accepted (the file is in storage, the
S3 object can be read), S3 destinations too (the bucket exists and the credentials may use
it), so a bad location is a 400 naming the field, not a failed process later: the check every
dialect makes (api/common/locations.py), in this service's words. http(s) URLs are fetched by
the worker through the SSRF guard, which refuses private addresses there.
"""

from __future__ import annotations

from dataclasses import dataclass

from media_platform.api.common.fields import FieldErrors, is_http_url, leaf
from media_platform.api.common.locations import Place, PlaceChecks, Trouble, parse_s3_field
from media_platform.models import EncodingProcess, Library
from media_platform.services.pipeline.assets import library_key
from media_platform.storage.s3 import S3Location


@dataclass(frozen=True)
class Location:
    kind: str  # storage | url | s3
    value: str  # storage: the path inside the library, cleaned; url and s3: the URL as given
    s3: S3Location | None = None

    @property
    def path(self) -> str:
        """The part that names the file: the storage path or the object key (never the query)."""
        return self.s3.key if self.s3 is not None else self.value

    def place(self, *, write: bool) -> Place | None:
        """What to check before accepting it; None for a URL (the worker's fetch checks those)."""
        if self.kind == "s3":
            return Place(self.s3, write=write)
        return Place(path=self.value, write=write) if self.kind == "storage" else None


def clean_path(value: str) -> str:
    return "/".join(part for part in value.replace("\\", "/").split("/") if part not in ("", "."))


def parse_location(errors: FieldErrors, path: str, value: str, *, allow_url: bool) -> Location | None:
    name = leaf(path)
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if scheme == "s3":
        location = parse_s3_field(errors, path, value)
        return Location("s3", value, location) if location is not None else None
    if scheme:
        if scheme in ("http", "https") and allow_url and is_http_url(value):
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


def storage_key(library: Library, path: str) -> str:
    return library_key(EncodingProcess(library=library), path)


def check(checks: PlaceChecks, field: str, location: Location, *, write: bool) -> None:
    if (place := location.place(write=write)) is not None:
        checks.add(field, place)


# The location check every dialect makes (api/common/locations.py), in this service's words.
WORDING = {
    Trouble.MISSING: "was not found in your storage",
    Trouble.REFUSED: "is not allowed: the S3 endpoint {endpoint} is a private or reserved address",
    Trouble.UNRESOLVED: "could not be reached: the S3 endpoint {endpoint} does not resolve",
    Trouble.UNREACHABLE: "could not be {verb}: {detail}",
    Trouble.UNUSABLE: "could not be {verb}: {detail}",
}

"""S3 locations named in requests: a bucket, a key or prefix, credentials for that request only.

Credentials are kept encrypted on the process row and shown masked (`****abcd`) everywhere.
Any S3-compatible server works: the request's endpoint, else the S3_ENDPOINT_URL setting.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import boto3
from botocore import UNSIGNED
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError
from django.conf import settings

from media_platform.crypto import decrypt, encrypt, mask
from media_platform.net import blocked_reason, guard_boto_client, url_host_problem

from . import transfer


class S3Error(Exception):
    """The location cannot be used: names the reason (no bucket, denied, unreachable).

    `retryable` when the server could not be reached or failed: the request may be fine."""

    def __init__(self, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class S3Location:
    bucket: str
    key: str = ""
    region: str | None = None
    endpoint: str | None = None
    access_key: str | None = None
    secret_key: str | None = None
    public_read: bool = False

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    def child(self, name: str) -> S3Location:
        return replace(self, key=f"{self.key.rstrip('/')}/{name}".lstrip("/"))

    @property
    def request_named_endpoint(self) -> bool:
        if not self.endpoint:
            return False
        return not _same_endpoint(self.endpoint, settings.S3_ENDPOINT_URL)

    def client(self):
        """A client for this location only. A request-named endpoint is checked against the SSRF
        rules before the call, and again at every connection (its DNS may answer differently the
        second time); without keys the requests go unsigned (a public bucket), never with the
        platform's own credentials."""
        if problem := endpoint_problem(self.endpoint):
            raise S3Error(f"the S3 endpoint {self.endpoint} is not allowed: {problem}")
        session = boto3.session.Session(
            aws_access_key_id=self.access_key or None,
            aws_secret_access_key=self.secret_key or None,
            region_name=self.region or None,
        )
        options: dict = {"connect_timeout": 10, "read_timeout": 60}
        if not (self.access_key and self.secret_key):
            options["signature_version"] = UNSIGNED
        try:
            client = session.client(
                "s3", endpoint_url=self.endpoint or settings.S3_ENDPOINT_URL, config=transfer.client_config(**options)
            )
        except (BotoCoreError, ValueError) as exc:  # a region or endpoint boto3 cannot use
            raise S3Error(f"{self.url}: {exc}") from exc
        return guard_boto_client(client) if self.request_named_endpoint else client

    # --- stored form: secrets encrypted; shown form: secrets masked ---------------------------
    def to_json(self) -> dict:
        data = asdict(self)
        data["access_key"] = encrypt(self.access_key or "")
        data["secret_key"] = encrypt(self.secret_key or "")
        return {"kind": "s3", **data}

    @classmethod
    def from_json(cls, data: dict) -> S3Location:
        """SecretUnreadable when the stored credentials cannot be decrypted: going on without them
        would call the location unsigned, as if it were a public bucket."""
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        what = f"the credentials of s3://{fields.get('bucket', '')}/{fields.get('key', '')}"
        fields["access_key"] = decrypt(fields.get("access_key") or "", what=what) or None
        fields["secret_key"] = decrypt(fields.get("secret_key") or "", what=what) or None
        return cls(**fields)

    def masked(self) -> dict:
        return {**asdict(self), "access_key": mask(self.access_key), "secret_key": mask(self.secret_key)}


def endpoint_problem(endpoint: str | None) -> str | None:
    """Why a request-named S3 endpoint may not be called, or None: the platform's own
    S3_ENDPOINT_URL always may; any other must pass the SSRF guard (no private or reserved
    address unless SSRF_ALLOWLIST names it). The one rule for every request-named endpoint."""
    if not endpoint or _same_endpoint(endpoint, settings.S3_ENDPOINT_URL):
        return None
    return url_host_problem(endpoint)


def _same_endpoint(endpoint: str, own: str | None) -> bool:
    return own is not None and endpoint.rstrip("/").lower() == own.rstrip("/").lower()


def parse_s3_url(url: str) -> S3Location:
    """`s3://bucket/path/?access_key=…&secret_key=…&region=…&endpoint=…` (TPStreams' form)."""
    try:
        parsed = urlparse(url)
    except ValueError:
        raise S3Error(f"'{mask_url(url)}' is not an s3://bucket/path URL") from None
    if parsed.scheme != "s3" or not parsed.netloc:
        raise S3Error(f"'{mask_url(url)}' is not an s3://bucket/path URL")
    query = {k: v[-1] for k, v in parse_qs(parsed.query.replace("+", "%2B")).items()}  # AWS secrets hold a raw "+"
    return S3Location(
        bucket=parsed.netloc,
        key=unquote(parsed.path).strip("/"),
        region=query.get("region"),
        endpoint=query.get("endpoint"),
        access_key=query.get("access_key"),
        secret_key=query.get("secret_key"),
    )


def mask_url(url: str) -> str:
    """The URL with access_key and secret_key values masked."""
    try:
        parsed = urlparse(url)
    except ValueError:  # not a URL at all: mask whatever follows the first `?`
        base, mark, query = url.partition("?")
        return f"{base}{mark}{'****' if query else ''}"
    if not parsed.query:
        return url
    parts = []
    for item in parsed.query.split("&"):
        name, _, value = item.partition("=")
        parts.append(f"{name}={mask(unquote(value))}" if name in ("access_key", "secret_key") else item)
    return parsed._replace(query="&".join(parts)).geturl()


def _error(exc: Exception, location: S3Location) -> S3Error:
    if reason := blocked_reason(exc):  # the guard refused the address connected to
        return S3Error(f"the S3 endpoint {location.endpoint} is not allowed: {reason}")
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("NoSuchBucket",):
            return S3Error(f"bucket '{location.bucket}' does not exist")
        if code in ("404", "NoSuchKey", "NotFound"):
            return S3Error(f"{location.url} does not exist")
        if code in ("403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
            return S3Error(f"access to {location.url} was denied (check the credentials)")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return S3Error(f"{location.url}: {code or exc}", retryable=status >= 500)
    if isinstance(exc, EndpointConnectionError):
        endpoint = location.endpoint or settings.S3_ENDPOINT_URL or "AWS"
        return S3Error(f"the S3 endpoint {endpoint} is unreachable", retryable=True)
    return S3Error(f"{location.url}: {exc}", retryable=True)


def check_readable(location: S3Location) -> int:
    """The object's size; S3Error (bad bucket, no object, denied, unreachable) otherwise."""
    try:
        return int(location.client().head_object(Bucket=location.bucket, Key=location.key)["ContentLength"])
    except (BotoCoreError, ClientError) as exc:
        raise _error(exc, location) from exc


def check_writable(location: S3Location) -> None:
    """The bucket exists and these credentials may write under the location's key: a tiny probe
    object is put and removed, so a read-only key is caught before any encoding starts."""
    client = location.client()
    probe = f"{location.key.strip('/')}/.write-check-{uuid.uuid4().hex}".lstrip("/")
    try:
        client.head_bucket(Bucket=location.bucket)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchBucket"):
            raise S3Error(f"bucket '{location.bucket}' does not exist") from exc
        raise _error(exc, location) from exc
    except BotoCoreError as exc:
        raise _error(exc, location) from exc
    try:
        client.put_object(Bucket=location.bucket, Key=probe, Body=b"")
        client.delete_object(Bucket=location.bucket, Key=probe)
    except (BotoCoreError, ClientError) as exc:
        raise _error(exc, location) from exc


def download_object(location: S3Location, target: Path) -> int:
    try:
        transfer.download_files(location.client(), location.bucket, [(location.key, target)])
    except transfer.ERRORS as exc:
        raise _error(exc, location) from exc
    return target.stat().st_size


def upload_tree(local_dir: Path, location: S3Location) -> list[tuple[str, int]]:
    """Upload a folder under location.key, in parallel; playlists and manifests last."""
    extra: dict = {"ACL": "public-read"} if location.public_read else {}

    def key_of(name: str) -> str:
        return f"{location.key.strip('/')}/{name}".lstrip("/")

    try:
        written = transfer.upload_tree(
            location.client(),
            location.bucket,
            local_dir,
            key_of=key_of,
            extra_of=lambda name: {"ContentType": transfer.content_type(name), **extra},
        )
    except transfer.ERRORS as exc:
        raise _error(exc, location) from exc
    return [(key_of(name), size) for name, size in written]


def delete_keys(location: S3Location, keys: list[str]) -> None:
    client = location.client()
    for start in range(0, len(keys), 1000):
        batch = [{"Key": key} for key in keys[start : start + 1000]]
        client.delete_objects(Bucket=location.bucket, Delete={"Objects": batch, "Quiet": True})

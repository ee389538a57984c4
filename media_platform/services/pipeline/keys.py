"""Content keys (AES-128 HLS, CENC) at rest and on the wire.

A job's spec is stored with its keys encrypted (`crypto.encrypt`), so neither the database, the
admin nor an API echo ever holds one in the clear; `job_of` opens them for the worker. A job that
asks for AES-128 without a key URL gets the platform's own, `/keys/<job public id>.key`; a library
with `sign_key_requests` serves it only to URLs signed by `signed_key_url` (the delivery signs the
URIs in the playlists it serves)."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.urls import reverse

from media_platform.crypto import decrypt, encrypt
from media_platform.engine.spec import Job, job_from_json, to_json
from media_platform.models import EncodingJob

SEALED = "sealed:"
KEY_URL_TTL = 6 * 3600  # seconds a signed key URL stays valid


def seal(job: Job) -> dict[str, Any]:
    """The spec as stored: content keys encrypted."""
    data = to_json(job)
    for name in ("encryption", "cenc"):
        if data.get(name) and not str(data[name]["key"]).startswith(SEALED):
            data[name] = {**data[name], "key": SEALED + encrypt(data[name]["key"])}
    return data


def job_of(row: EncodingJob) -> Job:
    """The row's job with its keys opened, ready for the engine."""
    data = dict(row.spec)
    for name in ("encryption", "cenc"):
        if data.get(name) and str(data[name]["key"]).startswith(SEALED):
            data[name] = {**data[name], "key": decrypt(data[name]["key"][len(SEALED) :], what="a content key")}
    return job_from_json(data)


def with_platform_key_url(job: Job, row: EncodingJob) -> Job | None:
    """The job with the platform's key URL when it asks for AES-128 without naming one."""
    encryption = getattr(job, "encryption", None)
    if encryption is None or encryption.key_url:
        return None
    return replace(job, encryption=replace(encryption, key_url=platform_key_url(row.public_id)))


def platform_key_url(public_id: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("content-key", args=[public_id])


def key_url_prefix() -> str:
    return platform_key_url("_")[: -len("_.key")]


def key_token(public_id: str, expires: int, secret_key: str | None = None) -> str:
    message = f"{public_id}:{expires}".encode()
    secret = hashlib.sha256(f"content-keys:{secret_key or settings.SECRET_KEY}".encode()).digest()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def signed_key_url(public_id: str, *, ttl: int = KEY_URL_TTL, now: float | None = None) -> str:
    expires = int((now or time.time()) + ttl)
    return f"{platform_key_url(public_id)}?expires={expires}&token={key_token(public_id, expires)}"


def signature_valid(public_id: str, expires: str | None, token: str | None, *, now: float | None = None) -> bool:
    if not expires or not token or not expires.isdigit():
        return False
    if int(expires) < (now or time.time()):
        return False
    # URLs signed before a key rotation stay valid until they expire.
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return any(hmac.compare_digest(key_token(public_id, int(expires), key), token) for key in keys)


def content_key(row: EncodingJob) -> bytes | None:
    """The AES-128 key a player fetches for this job, or None when it has none."""
    encryption = getattr(job_of(row), "encryption", None)
    return bytes.fromhex(encryption.key) if encryption is not None and encryption.key else None

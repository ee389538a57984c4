"""bunny's presigned upload headers: AuthorizationSignature = SHA-256 hex of
library id + API key + AuthorizationExpire + VideoId, concatenated as text. No Django here."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .protocol import ProtocolError

HEADERS = ("AuthorizationSignature", "AuthorizationExpire", "VideoId", "LibraryId")
_HEX = re.compile(r"[0-9a-fA-F]{64}")
_DIGITS = re.compile(r"[0-9]{1,19}")


@dataclass(frozen=True)
class Presigned:
    """The four headers as sent: the signature covers their text exactly."""

    signature: str
    expire: str
    video_id: str
    library_id: str

    @property
    def library_pk(self) -> int:
        return int(self.library_id)

    @property
    def expires_at(self) -> int:
        return int(self.expire)


def parse_presigned(headers: Mapping[str, str]) -> Presigned:
    """The headers of a request (any case); 401 when one is missing or malformed."""
    values = {name: (headers.get(name) or "").strip() for name in HEADERS}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise ProtocolError(401, f"Missing presigned upload headers: {', '.join(missing)}.")
    if not _HEX.fullmatch(values["AuthorizationSignature"]):
        raise ProtocolError(401, "AuthorizationSignature must be a SHA-256 hex digest.")
    for name in ("AuthorizationExpire", "LibraryId"):
        if not _DIGITS.fullmatch(values[name]):
            raise ProtocolError(401, f"{name} must be a non-negative integer.")
    return Presigned(
        signature=values["AuthorizationSignature"].lower(),
        expire=values["AuthorizationExpire"],
        video_id=values["VideoId"],
        library_id=values["LibraryId"],
    )


def upload_signature(*, library_id: str, api_key: str, expire: str, video_id: str) -> str:
    return hashlib.sha256(f"{library_id}{api_key}{expire}{video_id}".encode()).hexdigest()


def check_presigned(presigned: Presigned, *, api_key: str, now: float) -> None:
    """403 when the signature is past its expiry or was not made with this library's key."""
    expected = upload_signature(
        library_id=presigned.library_id, api_key=api_key, expire=presigned.expire, video_id=presigned.video_id
    )
    if not hmac.compare_digest(expected, presigned.signature):
        raise ProtocolError(403, "The upload signature is not valid.")
    if presigned.expires_at <= now:
        raise ProtocolError(403, "The upload signature has expired.")

"""The tus 1.0.0 protocol's headers: parsed and written here, with no Django, so every rule is
testable on plain strings. Core protocol plus the creation, creation-with-upload, termination,
expiration and checksum extensions."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from email.utils import formatdate

VERSION = "1.0.0"
EXTENSIONS = ("creation", "creation-with-upload", "termination", "expiration", "checksum")
# sha1 is the one the protocol requires; sha256 is what bunny's clients are asked to use.
CHECKSUM_ALGORITHMS = ("sha1", "sha256", "md5")
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
CHECKSUM_MISMATCH = 460
_DIGITS = re.compile(r"[0-9]{1,19}")
_KEY = re.compile(r"[!-+\--~]+")  # printable ASCII without space and comma


class ProtocolError(Exception):
    """A request the protocol refuses: `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def check_version(value: str | None) -> None:
    if (value or "").strip() != VERSION:
        raise ProtocolError(412, f"Tus-Resumable must be {VERSION}.")


def effective_method(method: str, override: str | None) -> str:
    """X-HTTP-Method-Override names the method for clients that cannot send PATCH or DELETE."""
    return (override or method).strip().upper()


def parse_size(value: str | None, header: str) -> int:
    """Upload-Length and Upload-Offset: a non-negative integer, nothing else."""
    text = (value or "").strip()
    if not _DIGITS.fullmatch(text):
        raise ProtocolError(400, f"{header} must be a non-negative integer.")
    return int(text)


def parse_metadata(value: str | None) -> dict[str, bytes]:
    """`key base64,key base64,key`: keys unique, without spaces or commas; values Base64 (may be empty)."""
    pairs: dict[str, bytes] = {}
    if value is None or not value.strip():
        return pairs
    for item in value.split(","):
        key, _, encoded = item.strip().partition(" ")
        if not _KEY.fullmatch(key):
            raise ProtocolError(400, f"Upload-Metadata has an invalid key {key[:40]!r}.")
        if key in pairs:
            raise ProtocolError(400, f"Upload-Metadata names {key!r} twice.")
        try:
            pairs[key] = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise ProtocolError(400, f"Upload-Metadata's {key!r} is not Base64.") from None
    return pairs


def encode_metadata(pairs: dict[str, bytes]) -> str:
    """The header again, in a canonical form that is safe to echo (keys checked, values Base64)."""
    return ",".join(f"{key} {base64.b64encode(value).decode()}" if value else key for key, value in pairs.items())


def metadata_text(pairs: dict[str, bytes], key: str) -> str | None:
    """A metadata value as text, or None when absent, empty or not UTF-8."""
    try:
        text = pairs.get(key, b"").decode().strip()
    except UnicodeDecodeError:
        raise ProtocolError(400, f"Upload-Metadata's {key!r} is not UTF-8 text.") from None
    return text or None


@dataclass(frozen=True)
class Checksum:
    algorithm: str
    digest: bytes

    def hasher(self):
        return hashlib.new(self.algorithm)


def parse_checksum(value: str | None) -> Checksum | None:
    """Upload-Checksum: `<algorithm> <Base64 digest>` of the PATCH body."""
    if value is None or not value.strip():
        return None
    algorithm, _, encoded = value.strip().partition(" ")
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise ProtocolError(400, f"Checksum algorithm {algorithm[:20]!r} is not supported.")
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ProtocolError(400, "Upload-Checksum's digest is not Base64.") from None
    if len(digest) != hashlib.new(algorithm).digest_size:
        raise ProtocolError(400, f"Upload-Checksum's digest is not a {algorithm} digest.")
    return Checksum(algorithm, digest)


def http_date(timestamp: float) -> str:
    """Upload-Expires is an RFC 7231 date: `Wed, 25 Jun 2014 16:00:00 GMT`."""
    return formatdate(timestamp, usegmt=True)


def capability_headers(max_size: int) -> dict[str, str]:
    """What an OPTIONS request learns about this server."""
    return {
        "Tus-Version": VERSION,
        "Tus-Extension": ",".join(EXTENSIONS),
        "Tus-Max-Size": str(max_size),
        "Tus-Checksum-Algorithm": ",".join(CHECKSUM_ALGORITHMS),
    }

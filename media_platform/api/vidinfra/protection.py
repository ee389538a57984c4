"""`encryption` (AES-128 HLS) and `cenc_drm` (Common Encryption of MP4 and DASH) on a format.

Keys and key ids are 16 bytes written as 32 hex digits (a key id may also be a UUID); `iv` is
optional (each segment's sequence number otherwise); without `key_url` players fetch the key from
the platform. `pssh` is a DRM system's base64 pssh box, put beside the W3C common one that
ClearKey players read; `la_url` the licence server named in the MPD. Echoes mask the key."""

from __future__ import annotations

import re

from media_platform.api.common.fields import FieldErrors, at, is_http_url
from media_platform.crypto import mask
from media_platform.engine.mp4boxes import decode_pssh
from media_platform.engine.spec import Cenc, Encryption

from .fields import Text, obj, read

HEX16 = re.compile(r"^(0x)?[0-9a-fA-F]{32}$")
ENCRYPTION_OUTPUTS = ("hls", "advanced_hls")
CENC_OUTPUTS = ("mp4", "advanced_mp4", "advanced_dash")
ENCRYPTION_KINDS = {"key": Text(max_length=100), "iv": Text(max_length=100), "key_url": Text(max_length=2000)}
CENC_KINDS = {
    "key": Text(max_length=100),
    "key_id": Text(max_length=100),
    "pssh": Text(max_length=20000),
    "la_url": Text(max_length=2000),
}


def encryption(errors: FieldErrors, data: dict, path: str, output: str) -> tuple[Encryption | None, dict | None]:
    value = _option(errors, data, path, "encryption", output, ENCRYPTION_OUTPUTS)
    if value is None:
        return None, None
    where = at(path, "encryption")
    clean, echo = read(errors, value, where, ENCRYPTION_KINDS)
    key = _hex16(errors, at(where, "key"), clean["key"], required=True)
    iv = _hex16(errors, at(where, "iv"), clean["iv"], required=False)
    key_url = _url(errors, at(where, "key_url"), clean["key_url"])
    echo["key"] = mask(clean["key"])
    return (Encryption(key=key, iv=iv, key_url=key_url) if key else None), echo


def cenc(errors: FieldErrors, data: dict, path: str, output: str) -> tuple[Cenc | None, dict | None]:
    value = _option(errors, data, path, "cenc_drm", output, CENC_OUTPUTS)
    if value is None:
        return None, None
    where = at(path, "cenc_drm")
    clean, echo = read(errors, value, where, CENC_KINDS)
    key = _hex16(errors, at(where, "key"), clean["key"], required=True)
    key_id = _hex16(errors, at(where, "key_id"), (clean["key_id"] or "").replace("-", "") or None, required=True)
    pssh = clean["pssh"]
    if pssh and not _is_pssh(pssh):
        errors.add(at(where, "pssh"), "pssh must be a base64-encoded pssh box")
    la_url = _url(errors, at(where, "la_url"), clean["la_url"])
    echo["key"] = mask(clean["key"])
    return (Cenc(key=key, key_id=key_id, pssh=pssh, la_url=la_url) if key and key_id else None), echo


def _option(
    errors: FieldErrors, data: dict, path: str, name: str, output: str, outputs: tuple[str, ...]
) -> dict | None:
    if data.get(name) in (None, "", {}, [], 0, False):
        return None
    value = obj(errors, data, path, name)
    if value is not None and output not in outputs:
        errors.add(at(path, name), f"{name} applies to {', '.join(outputs)} outputs, not {output}")
        return None
    return value


def _hex16(errors: FieldErrors, path: str, value: str | None, *, required: bool) -> str | None:
    name = path.rsplit(".", 1)[-1]
    if not value:
        if required:
            errors.add(path, f"{name} is required: 16 bytes as 32 hex digits")
        return None
    if not HEX16.match(value):
        errors.add(path, f"{name} must be 16 bytes as 32 hex digits")
        return None
    return value.lower().removeprefix("0x")


def _url(errors: FieldErrors, path: str, value: str | None) -> str | None:
    if not value:
        return None
    if not is_http_url(value) or '"' in value:  # a quote would end the playlist's URI="…"
        errors.add(path, f"{path.rsplit('.', 1)[-1]} must be an http(s) URL")
        return None
    return value


def _is_pssh(value: str) -> bool:
    try:
        raw = decode_pssh(value)
    except ValueError:
        return False
    return len(raw) >= 32 and raw[4:8] == b"pssh" and int.from_bytes(raw[:4], "big") == len(raw)

"""bunny's presigned TUS headers, made the way bunny's documentation tells a backend to make them."""

from __future__ import annotations

import base64
import hashlib
import time


def presigned_headers(library_id: int | str, api_key: str, video_id: str, *, expire: int | None = None) -> dict:
    expire = expire if expire is not None else int(time.time()) + 3600
    signature = hashlib.sha256(f"{library_id}{api_key}{expire}{video_id}".encode()).hexdigest()
    return {
        "AuthorizationSignature": signature,
        "AuthorizationExpire": str(expire),
        "VideoId": str(video_id),
        "LibraryId": str(library_id),
    }


def metadata_header(**values: str) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in values.items())


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

"""Where ffmpeg reads a video's original from, in the web process that encodes on demand."""

from __future__ import annotations

from media_platform.storage import storage
from media_platform.storage.files import is_local

LOCAL_PROTOCOLS = "file,pipe"
# Only for the URL of our own bucket, never one a client named: ffmpeg reads it in ranges.
URL_PROTOCOLS = "http,https,tcp,tls,crypto"


def source_input(name: str) -> tuple[str, str]:
    """(what ffmpeg opens, the protocols it may use for it): the file itself on local storage;
    on S3 a presigned URL of the object, valid for the storage's querystring expiry."""
    store = storage()
    if is_local(store):
        return store.path(name), LOCAL_PROTOCOLS
    return store.url(name), URL_PROTOCOLS

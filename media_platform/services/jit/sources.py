"""Where ffmpeg reads a video's original from, in the web process that encodes on demand."""

from __future__ import annotations

import io
from typing import BinaryIO

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


class RangedObject(io.RawIOBase):
    """An S3 object read in ranges where it is asked for (the moov of an MP4 is a few MB at one
    end of it), not downloaded whole as the storage's own file object does on its first read."""

    def __init__(self, obj):
        self.obj, self.position, self.size = obj, 0, obj.content_length

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self) -> int:
        return self.position

    def read(self, size: int = -1) -> bytes:
        end = self.size if size is None or size < 0 else min(self.size, self.position + size)
        if end <= self.position:
            return b""
        data = self.obj.get(Range=f"bytes={self.position}-{end - 1}")["Body"].read()
        self.position += len(data)
        return data


def source_reader(name: str) -> BinaryIO:
    """The original as a file to seek in: the file itself, or ranged reads of the S3 object."""
    store = storage()
    if is_local(store):
        return open(store.path(name), "rb")  # noqa: SIM115 - the caller closes it
    return RangedObject(store.bucket.Object(name))  # type: ignore[attr-defined,return-value]

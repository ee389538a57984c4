"""An upload streamed into S3 storage arrives whole, however the request body is read."""

from __future__ import annotations

import hashlib
import io

import pytest

from media_platform.storage import open_read, save_stream
from tests.support.s3 import use_as_storage


class Trickle(io.RawIOBase):
    """A request body as a server hands it over: never more than a few KiB per read."""

    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = 5000 if size is None or size < 0 else min(size, 5000)
        chunk = self.data[self.at : self.at + size]
        self.at += len(chunk)
        return chunk


@pytest.fixture
def s3_storage(s3, settings):
    bucket = s3.bucket()
    use_as_storage(settings, bucket, s3.endpoint)
    return bucket


@pytest.mark.parametrize("size", [3 * 1024**2 + 7, 9 * 1024**2])  # under and over boto3's multipart threshold
def test_a_body_read_in_short_pieces_is_stored_whole_in_s3(s3_storage, size):
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)

    stored = save_stream("originals/whole", Trickle(data))

    assert (stored.size, stored.sha256) == (size, hashlib.sha256(data).hexdigest())
    with open_read("originals/whole") as handle:
        assert handle.read() == data

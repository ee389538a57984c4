from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest

from tests.support.bunny import create_video
from tests.support.tus import metadata_header, presigned_headers

OFFSET_TYPE = "application/offset+octet-stream"


@dataclass
class Tus:
    """A tus client on Django's test client, signing every request as bunny's clients do."""

    client: object
    library_id: int
    api_key: str
    guid: str
    expire: int | None = None
    extra: dict = field(default_factory=dict)
    read_only_key: str = ""

    def headers(self, **extra) -> dict:
        signed = presigned_headers(self.library_id, self.api_key, self.guid, expire=self.expire)
        return {"Tus-Resumable": "1.0.0", **signed, **self.extra, **extra}

    def create(self, length: int, *, body: bytes = b"", metadata: dict | None = None, **extra):
        headers = self.headers(**{"Upload-Length": str(length), **extra})
        if metadata is not None:
            headers["Upload-Metadata"] = metadata_header(**metadata)
        content_type = OFFSET_TYPE if body else "application/octet-stream"
        return self.client.generic("POST", "/tusupload", body, content_type=content_type, headers=headers)

    def start(self, length: int, **options) -> str:
        response = self.create(length, **options)
        assert response.status_code == 201, response.content
        return response["Location"]

    def head(self, location: str, **extra):
        return self.client.head(location, headers=self.headers(**extra))

    def patch(self, location: str, data: bytes, offset: int, *, content_type: str = OFFSET_TYPE, **extra):
        headers = self.headers(**{"Upload-Offset": str(offset), **extra})
        return self.client.generic("PATCH", location, data, content_type=content_type, headers=headers)

    def delete(self, location: str, **extra):
        return self.client.generic("DELETE", location, headers=self.headers(**extra))


@pytest.fixture
def video_guid(bunny, library_keys) -> str:
    return create_video(bunny, library_keys.id, title="Before upload")


@pytest.fixture
def tus(client, library_keys, video_guid) -> Tus:
    return Tus(client, library_keys.id, library_keys.api_key, video_guid)


@pytest.fixture
def payload() -> bytes:
    return os.urandom(3 * 1024 * 1024 + 12345)

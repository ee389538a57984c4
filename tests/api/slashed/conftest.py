from __future__ import annotations

import subprocess
from pathlib import Path
from types import SimpleNamespace

import django_rq
import pytest
from django.conf import settings

from media_platform.services.pipeline.assets import library_key
from media_platform.storage import save_bytes, save_file
from tests.support.workers import QUEUES


@pytest.fixture
def slashed(api, library_keys):
    """A client holding the library's key as the service's Bearer token."""
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {library_keys.api_key}")
    return api


@pytest.fixture
def store(library_keys):
    """store(path, file_or_bytes): put a file in the library's own storage, where `source` paths point."""

    def put(path: str, content: Path | bytes) -> str:
        key = library_key(SimpleNamespace(library_id=library_keys.id), path)
        if isinstance(content, bytes):
            save_bytes(key, content)
        else:
            save_file(key, content)
        return key

    return put


def stored(library_id: int, path: str) -> Path:
    """Where a file of the library's storage is on the tests' local storage."""
    return Path(settings.MEDIA_ROOT) / "libraries" / str(library_id) / path.lstrip("/")


def queued() -> dict[str, int]:
    return {name: django_rq.get_queue(name).count for name in QUEUES}


def send(client, body: dict):
    return client.post("/request", body, format="json")


@pytest.fixture(scope="session")
def mark_png(media_dir) -> Path:
    """A solid red PNG with an alpha channel, for watermarks."""
    path = media_dir / "mark.png"
    if not path.exists():
        command = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=red:s=64x36,format=rgba"]
        subprocess.run([*command, "-frames:v", "1", str(path)], check=True, timeout=60)
    return path

"""Helpers that drive the bunny API the way a client does."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from media_platform.models import Video


def create_video(bunny, library_id: int, title: str = "Clip", **extra) -> str:
    response = bunny.post(f"/library/{library_id}/videos", {"title": title, **extra}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["guid"]


def upload_bytes(bunny, library_id: int, guid: str, data: bytes):
    return bunny.put(f"/library/{library_id}/videos/{guid}", data=data, content_type="application/octet-stream")


def upload(bunny, library_id: int, guid: str, path: Path) -> None:
    response = upload_bytes(bunny, library_id, guid, path.read_bytes())
    assert response.status_code == 200, response.content


def get_video(bunny, library_id: int, guid: str) -> dict:
    return bunny.get(f"/library/{library_id}/videos/{guid}").json()


def output_path(guid: str, name: str) -> Path:
    """Where a published output lives on the local storage of the tests."""
    video = Video.objects.get(guid=guid)
    return Path(settings.MEDIA_ROOT) / video.outputs_prefix / name


def served(client, guid: str, name: str) -> bytes:
    response = client.get(f"/{guid}/{name}")
    assert response.status_code == 200, (name, response.status_code)
    return b"".join(response.streaming_content) if response.streaming else response.content

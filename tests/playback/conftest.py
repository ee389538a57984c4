"""Uploads that play before their ladder is done, driven through bunny's API as a client does."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from media_platform.models import Video
from tests.support.bunny import create_video

# 2 s keyframes: what a camera or an encoder for streaming writes.
GOP = ["-g", "50"]


def put(bunny, library_id: int, guid: str, path: Path, query: str = ""):
    url = f"/library/{library_id}/videos/{guid}{query}"
    return bunny.put(url, data=path.read_bytes(), content_type="application/octet-stream")


@pytest.fixture
def jit_upload(bunny, library_keys):
    """upload(path, query="?jitEnabled=true") → the new video's guid, its PUT answered 200."""

    def upload(path: Path, query: str = "?jitEnabled=true") -> str:
        guid = create_video(bunny, library_keys.id)
        response = put(bunny, library_keys.id, guid, path, query)
        assert response.status_code == 200, response.content
        return guid

    return upload


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def packets(path: Path) -> list[int]:
    """Video PTS (90 kHz) of every packet, in presentation order."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts", "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return sorted(int(p["pts"]) for p in json.loads(out)["packets"])


def media_segments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


class StatusWatch:
    """(status, availableResolutions) of a video as they change, seen from another thread."""

    def __init__(self, guid: str, on_change=None):
        self.guid, self.seen, self.stop = guid, [], threading.Event()
        self.on_change = on_change
        self.thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self.stop.is_set():
            video = Video.objects.filter(guid=self.guid).values("status", "available_resolutions").first()
            state = (video["status"], video["available_resolutions"]) if video else None
            if state and (not self.seen or self.seen[-1] != state):
                self.seen.append(state)
                if self.on_change is not None:
                    self.on_change(self)
            time.sleep(0.02)
        connection.close()

    def __enter__(self) -> StatusWatch:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        time.sleep(0.1)
        self.stop.set()
        self.thread.join(timeout=5)

"""What a player does, timed: is the video playable yet, and how soon a segment's first byte comes."""

from __future__ import annotations

import http.client
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests


def first_uri(playlist: str) -> str:
    return next(line.strip() for line in playlist.splitlines() if line.strip() and not line.startswith("#"))


def decodes(data: bytes) -> bool:
    with tempfile.NamedTemporaryFile(suffix=".ts") as handle:
        Path(handle.name).write_bytes(data)
        result = subprocess.run(
            ["ffmpeg", "-v", "error", "-xerror", "-i", handle.name, "-f", "null", "-"], capture_output=True, timeout=120
        )
    return result.returncode == 0


def playable(base: str, guid: str, session: requests.Session) -> tuple[bool, str]:
    """Playable, strictly: the master, the media playlist it lists first and that playlist's first
    segment all fetched whole, and the segment decoded. (also: which rendition it was)"""
    master = session.get(f"{base}/{guid}/playlist.m3u8", timeout=60)
    if master.status_code != 200:
        return False, ""
    media_uri = first_uri(master.text)
    media = session.get(f"{base}/{guid}/{media_uri}", timeout=60)
    if media.status_code != 200:
        return False, ""
    folder = media_uri.rsplit("/", 1)[0]
    segment = session.get(f"{base}/{guid}/{folder}/{first_uri(media.text)}", timeout=120)
    return segment.status_code == 200 and decodes(segment.content), folder


def wait_playable(base: str, guid: str, since: float, timeout: float, poll: float = 0.05) -> tuple[float, str]:
    """Seconds from `since` (perf_counter) until playable; inf when `timeout` passes first."""
    with requests.Session() as session:
        while time.perf_counter() - since < timeout:
            ok, rendition = playable(base, guid, session)
            if ok:
                return time.perf_counter() - since, rendition
            time.sleep(poll)
    return float("inf"), ""


def first_byte(base: str, guid: str, name: str) -> tuple[float, int]:
    """(seconds until the first body byte, status) of one request, read to its end."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    try:
        started = time.perf_counter()
        connection.request("GET", f"/{guid}/{name}")
        response = connection.getresponse()
        response.read(1)
        seconds = time.perf_counter() - started
        response.read()
        return seconds, response.status
    finally:
        connection.close()

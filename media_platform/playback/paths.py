"""Which stored file a public URL /{videoGuid}/{name} means. Pure: no storage, no database."""

from __future__ import annotations

import posixpath

CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
    ".mpd": "application/dash+xml",
    ".vtt": "text/vtt; charset=utf-8",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".srt": "text/plain; charset=utf-8",
}


def clean_name(name: str) -> str | None:
    """The name, if it stays inside the video's folder: no '..', no absolute paths, no NUL or backslash."""
    if not name or "\x00" in name or "\\" in name or name.startswith("/"):
        return None
    normalized = posixpath.normpath(name)
    if normalized.startswith("..") or normalized.startswith("/") or normalized == ".":
        return None
    return normalized


def storage_key(*, name: str, guid: str, outputs_prefix: str, assets_prefix: str, original: str) -> str | None:
    if name == "original":
        return original or None
    if name.startswith("captions/") or name.startswith("thumbnail_"):
        return f"{assets_prefix}/{name}"
    if not outputs_prefix:
        return None
    return f"{outputs_prefix}/{name}"


def content_type(name: str) -> str:
    return CONTENT_TYPES.get(posixpath.splitext(name)[1].lower(), "application/octet-stream")


def cache_control(name: str) -> str:
    # URLs stay the same across a reencode while the files behind them change: playlists are
    # always revalidated, the rest cached briefly (and revalidated with ETag afterwards).
    if name.endswith((".m3u8", ".mpd", ".vtt")):
        return "no-cache"
    return "public, max-age=30"

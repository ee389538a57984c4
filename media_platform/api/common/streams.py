"""The raw request body as a stream, for uploads that must never sit in memory whole."""

from __future__ import annotations

from typing import BinaryIO, cast


class _Terminated:
    """Chunked bodies have no Content-Length: read the server's input until it ends."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size)


def body_stream(request) -> tuple[BinaryIO, int | None]:
    """(stream, declared length or None). `request` is Django's or DRF's request."""
    django_request = getattr(request, "_request", request)
    meta = django_request.META
    length = meta.get("CONTENT_LENGTH")
    if length not in (None, ""):
        return django_request, int(length)
    if meta.get("wsgi.input_terminated"):
        return cast(BinaryIO, _Terminated(meta["wsgi.input"])), None  # read() is all its readers use
    return django_request, None

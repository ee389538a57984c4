"""Serving a stored file: byte ranges and ETags locally, a redirect to S3, signed playlists."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.http import http_date

from media_platform.storage import open_read, storage
from media_platform.storage.files import is_local

from .keys import sign_playlist
from .paths import cache_control, content_type
from .ranges import parse_range

CHUNK = 256 * 1024


def _iter_range(handle, start: int, length: int):
    handle.seek(start)
    remaining = length
    try:
        while remaining > 0:
            data = handle.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


def headers(response: HttpResponse, name: str, etag: str | None = None) -> HttpResponse:
    response["Content-Type"] = content_type(name)
    response["Cache-Control"] = cache_control(name)
    response["Access-Control-Allow-Origin"] = "*"
    response["Accept-Ranges"] = "bytes"
    if etag:
        response["ETag"] = etag
    return response


def serve_stored(request, key: str, name: str, *, sign: bool = False) -> HttpResponse:
    store = storage()
    if name.endswith(".m3u8") and sign:
        with open_read(key) as handle:  # small; its key URIs get fresh signatures on every request
            text = sign_playlist(handle.read().decode())
        return headers(HttpResponse(text), name, None)
    if not is_local(store):
        return headers(HttpResponseRedirect(store.url(key)), name, None)
    size = store.size(key)
    modified = store.get_modified_time(key)
    etag = f'"{int(modified.timestamp())}-{size}"'
    if request.headers.get("If-None-Match") == etag:
        return headers(HttpResponse(status=304), name, etag)
    wanted = parse_range(request.headers.get("Range"), size)
    if wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return headers(response, name, etag)
    if wanted is None:
        response = FileResponse(open_read(key))
        response["Content-Length"] = str(size)
    else:
        start, end = wanted
        response = StreamingHttpResponse(_iter_range(open_read(key), start, end - start + 1), status=206)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Last-Modified"] = http_date(modified.timestamp())
    return headers(response, name, etag)

"""Serving a stored file: byte ranges and ETags locally, a redirect to S3, signed playlists."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import http_date

from media_platform.storage import open_read, storage
from media_platform.storage.files import is_local

from .keys import sign_playlist
from .paths import cache_control, content_type
from .ranges import parse_range

CHUNK = 256 * 1024
# Files that name others by relative URI (playlists, the DASH manifest, the storyboard's VTT). On S3
# they are served from here rather than redirected: a player resolves those URIs against the URL it
# read the file from, so each segment comes back here for a presigned redirect of its own, instead
# of going to the bucket unsigned (which a private bucket refuses).
REFERRING = (".m3u8", ".mpd", ".vtt")


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


def headers(response: HttpResponseBase, name: str, etag: str | None = None) -> HttpResponseBase:
    response["Content-Type"] = content_type(name)
    response["Cache-Control"] = cache_control(name)
    response["Access-Control-Allow-Origin"] = "*"
    response["Accept-Ranges"] = "bytes"
    if etag:
        response["ETag"] = etag
    return response


def serve_stored(request, key: str, name: str, *, sign: bool = False) -> HttpResponseBase:
    store = storage()
    sign = sign and name.endswith(".m3u8")
    if sign or (name.endswith(REFERRING) and not is_local(store)):
        with open_read(key) as handle:  # small text; key URIs get fresh signatures on every request
            text = handle.read().decode()
        return headers(HttpResponse(sign_playlist(text) if sign else text), name, None)
    if not is_local(store):
        return headers(HttpResponseRedirect(store.url(key)), name, None)
    size = store.size(key)
    modified = store.get_modified_time(key)
    etag = f'"{int(modified.timestamp())}-{size}"'
    if request.headers.get("If-None-Match") == etag:
        return headers(HttpResponse(status=304), name, etag)
    wanted = parse_range(request.headers.get("Range"), size)
    response: HttpResponseBase
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

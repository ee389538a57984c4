"""What every /tusupload response carries: the tus version, and CORS for browsers uploading
straight from another site (they read Location and Upload-Offset, so those are exposed)."""

from __future__ import annotations

import json

from django.http import HttpResponse

from media_platform.api.bunny.errors import status_body
from media_platform.tus.protocol import VERSION

EXPOSED = (
    "Location, Upload-Offset, Upload-Length, Upload-Metadata, Upload-Expires, Tus-Resumable, "
    "Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm"
)
PREFLIGHT = {
    "Access-Control-Allow-Methods": "POST, HEAD, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Content-Type, Upload-Length, Upload-Offset, Upload-Metadata, Upload-Checksum, Upload-Defer-Length, "
        "Upload-Concat, Tus-Resumable, X-HTTP-Method-Override, X-Requested-With, "
        "AuthorizationSignature, AuthorizationExpire, VideoId, LibraryId"
    ),
    "Access-Control-Max-Age": "86400",
}


def tus_response(status: int, headers: dict[str, str] | None = None, body: bytes = b"") -> HttpResponse:
    response = HttpResponse(body, status=status, content_type="application/json" if body else None)
    if not body:
        del response["Content-Type"]
    response["Tus-Resumable"] = VERSION
    # Any site may upload: the presigned headers, not cookies, are the credential.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSED
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def tus_error(status: int, message: str, *, headers: dict[str, str] | None = None, head: bool = False) -> HttpResponse:
    """bunny's StatusModel, like its other errors; a HEAD answer has no body."""
    body = b"" if head else json.dumps(status_body(status, message)).encode()
    return tus_response(status, headers, body)

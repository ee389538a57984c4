"""What every /tusupload response carries: the tus version, and CORS for browsers uploading
straight from another site (they read Location and Upload-Offset, so those are exposed)."""

from __future__ import annotations

import json
from collections.abc import Callable

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


class _ThenResponse(HttpResponse):
    """Runs `then` when the server closes the response, that is once the client has it whole, and
    before Django's end-of-request clean-up (database connections)."""

    def __init__(self, *args, then: Callable[[], None], **kwargs):
        super().__init__(*args, **kwargs)
        self.then = then

    def close(self):
        try:
            self.then()
        finally:
            super().close()


def tus_response(
    status: int, headers: dict[str, str] | None = None, body: bytes = b"", *, then: Callable[[], None] | None = None
) -> HttpResponse:
    """The response; `then`, if given, runs after it has been sent."""
    content_type = "application/json" if body else None
    if then is None:
        response = HttpResponse(body, status=status, content_type=content_type)
    else:
        response = _ThenResponse(body, status=status, content_type=content_type, then=then)
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

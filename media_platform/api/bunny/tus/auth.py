"""Who may touch a video's uploads: a request carrying a valid, unexpired presigned signature
made with the library's API key for that video."""

from __future__ import annotations

import time
from dataclasses import dataclass

from media_platform.api.bunny.base import is_uuid
from media_platform.crypto import SecretUnreadable
from media_platform.models import Library, Video
from media_platform.selectors.libraries import library_api_key
from media_platform.tus.protocol import ProtocolError
from media_platform.tus.signature import check_presigned, parse_presigned


@dataclass(frozen=True)
class Grant:
    library: Library
    video: Video


def authorize(headers) -> Grant:
    """401 without the headers, 403 for a wrong or expired signature, 404 for a video not in the library."""
    presigned = parse_presigned(headers)
    library = Library.objects.filter(pk=presigned.library_pk).first()
    if library is None:
        raise ProtocolError(403, "The upload signature is not valid.")
    try:
        key = library_api_key(library)
    except SecretUnreadable:
        # Fail closed: a signature that cannot be checked is no signature.
        raise ProtocolError(403, "The upload signature cannot be checked: the library's key cannot be read.") from None
    if key is None:
        raise ProtocolError(
            403,
            "This library's API key was made before presigned uploads and is known only by its hash: "
            "use it once with the API (for example to create the video) and sign again.",
        )
    check_presigned(presigned, api_key=key, now=time.time())
    video = None
    if is_uuid(presigned.video_id):
        video = Video.objects.filter(library=library, guid=presigned.video_id).first()
    if video is None:
        raise ProtocolError(404, "Video not found")
    return Grant(library, video)

"""A request body appended to an upload, and the protocol's answer to each way that can fail."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from media_platform.api.common.streams import body_stream
from media_platform.models import TusUpload
from media_platform.services.uploads import (
    BodyIncomplete,
    BodyTooLong,
    ChecksumMismatch,
    OffsetConflict,
    tus_upload_append,
)
from media_platform.storage.resumable import UploadBusy
from media_platform.tus.protocol import CHECKSUM_MISMATCH, OFFSET_CONTENT_TYPE, ProtocolError, parse_checksum


def carries_bytes(request) -> bool:
    length = request.META.get("CONTENT_LENGTH") or ""
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    has_body = chunked or (length.isdigit() and int(length) > 0)
    return has_body and request.content_type == OFFSET_CONTENT_TYPE


def append(request, upload: TusUpload, offset: int) -> int:
    checksum = parse_checksum(request.headers.get("Upload-Checksum"))
    stream, length = body_stream(request)
    try:
        return tus_upload_append(upload=upload, offset=offset, stream=stream, body_length=length, checksum=checksum)
    except OffsetConflict:
        raise ProtocolError(409, f"Upload-Offset {offset} is not where the upload stands: ask with HEAD.") from None
    except UploadBusy:
        raise ProtocolError(409, "Another request is writing this upload: ask for its offset with HEAD.") from None
    except ChecksumMismatch:
        raise ProtocolError(CHECKSUM_MISMATCH, "Checksum Mismatch: the body was discarded.") from None
    except BodyIncomplete:
        raise ProtocolError(400, "The body ended early; with a checksum to verify, none of it was kept.") from None
    except BodyTooLong as exc:
        raise ProtocolError(413, f"The body goes past Upload-Length; the upload stands at {exc.offset}.") from None
    except (OSError, BotoCoreError, ClientError) as exc:  # storage failed: what was recorded stays
        raise ProtocolError(503, f"Storage is unavailable ({type(exc).__name__}); ask with HEAD and resume.") from None

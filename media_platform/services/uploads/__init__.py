"""Resumable (tus) uploads of a video's original: create, append, terminate, finish, sweep."""

from .append import BodyIncomplete, BodyTooLong, ChecksumMismatch, OffsetConflict, tus_upload_append
from .create import tus_upload_create
from .finish import (
    tus_upload_fail,
    tus_upload_finish,
    tus_upload_finish_here,
    tus_upload_terminate,
    tus_uploads_sweep,
)

__all__ = [
    "BodyIncomplete",
    "BodyTooLong",
    "ChecksumMismatch",
    "OffsetConflict",
    "tus_upload_append",
    "tus_upload_create",
    "tus_upload_fail",
    "tus_upload_finish",
    "tus_upload_finish_here",
    "tus_upload_terminate",
    "tus_uploads_sweep",
]

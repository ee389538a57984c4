"""Where sources and outputs live. Every read and write of stored files goes through here."""

from .files import (
    StoredFile,
    UploadTooLarge,
    delete_prefix,
    exists,
    local_copy,
    open_read,
    save_bytes,
    save_file,
    save_stream,
    size_of,
    storage,
    upload_tree,
)
from .workspace import workspace

__all__ = [
    "StoredFile",
    "UploadTooLarge",
    "delete_prefix",
    "exists",
    "local_copy",
    "open_read",
    "save_bytes",
    "save_file",
    "save_stream",
    "size_of",
    "storage",
    "upload_tree",
    "workspace",
]

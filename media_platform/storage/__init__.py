"""Where sources and outputs live. Every read and write of stored files goes through here."""

from .files import (
    StoredFile,
    UploadTooLarge,
    copy_file,
    copy_tree,
    delete_prefix,
    download_files,
    exists,
    list_files,
    local_copy,
    open_read,
    save_bytes,
    save_file,
    save_stream,
    size_of,
    storage,
    stored_digest,
    upload_tree,
)
from .workspace import workspace

__all__ = [
    "StoredFile",
    "UploadTooLarge",
    "copy_file",
    "copy_tree",
    "delete_prefix",
    "download_files",
    "list_files",
    "exists",
    "local_copy",
    "open_read",
    "save_bytes",
    "save_file",
    "save_stream",
    "size_of",
    "storage",
    "stored_digest",
    "upload_tree",
    "workspace",
]

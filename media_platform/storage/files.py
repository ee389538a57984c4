"""Django storage (local files by default, S3 in production), streamed in bounded chunks."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol, cast

from botocore.exceptions import ClientError
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage

from . import transfer

if TYPE_CHECKING:
    from storages.backends.s3 import S3Storage

CHUNK = 1024 * 1024


class UploadTooLarge(Exception):
    pass


class StorageUnavailable(OSError):
    """The object storage failed a transfer after the client's own retries: an environment fault
    (an OSError, so the pipeline retries the job), not the input's."""


@dataclass(frozen=True)
class StoredFile:
    name: str
    size: int
    sha256: str


def storage() -> Storage:
    return default_storage


def is_local(store: Storage) -> bool:
    # isinstance sees through default_storage's lazy wrapper (and sets it up if it was not yet).
    return isinstance(store, FileSystemStorage)


class ByteStream(Protocol):
    """All HashingReader needs of what it reads: a request body, an open file, a storage's File."""

    def read(self, size: int, /) -> bytes: ...


class HashingReader(io.RawIOBase):
    """Reads a stream once, in order, hashing and counting; refuses to seek so storages stream it."""

    def __init__(self, stream: ByteStream, max_bytes: int | None):
        self.stream, self.max_bytes = stream, max_bytes
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def read(self, size: int | None = -1) -> bytes:
        """`size` bytes, fewer only at the end, as a file gives them: S3's transfer manager takes a
        short read for the end of the stream (a request body arrives in pieces of any size)."""
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(CHUNK), b""))
        pieces = []
        while size > 0 and (data := self.stream.read(min(size, CHUNK))):
            self.size += len(data)
            if self.max_bytes is not None and self.size > self.max_bytes:
                raise UploadTooLarge(f"larger than {self.max_bytes} bytes")
            self.sha256.update(data)
            pieces.append(data)
            size -= len(data)
        return b"".join(pieces)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def save_stream(name: str, stream: BinaryIO, *, max_bytes: int | None = None) -> StoredFile:
    """Stream into storage without holding it in memory; SHA-256 computed on the way.

    Locally the bytes go to a temporary file beside the target and are renamed into place,
    so a broken upload never leaves a partial file under the real name.
    """
    reader = HashingReader(stream, max_bytes)
    store = storage()
    if is_local(store):
        target = Path(store.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".upload-", delete=False) as handle:
            try:
                while chunk := reader.read(CHUNK):
                    handle.write(chunk)
            except BaseException:
                os.unlink(handle.name)
                raise
        os.replace(handle.name, target)
        return StoredFile(name, reader.size, reader.sha256.hexdigest())
    # A RawIOBase is a binary file as far as File and the storages are concerned.
    saved = store.save(name, File(cast(BinaryIO, reader), name=os.path.basename(name)))
    return StoredFile(saved, reader.size, reader.sha256.hexdigest())


def save_bytes(name: str, data: bytes) -> str:
    return save_stream(name, io.BytesIO(data)).name


def save_file(name: str, path: Path) -> int:
    with open(path, "rb") as handle:
        return save_stream(name, handle).size


def stored_digest(name: str) -> StoredFile:
    """Size and SHA-256 of a stored file, read once in bounded chunks."""
    with storage().open(name, "rb") as handle:
        reader = HashingReader(handle, None)
        while reader.read(CHUNK):
            pass
    return StoredFile(name, reader.size, reader.sha256.hexdigest())


def open_read(name: str) -> File:
    return storage().open(name, "rb")


def exists(name: str) -> bool:
    return bool(name) and storage().exists(name)


def size_of(name: str) -> int:
    return storage().size(name)


@contextmanager
def local_copy(name: str, workdir: Path) -> Iterator[Path]:
    """A path ffmpeg can read: the file itself on local storage, a downloaded copy otherwise."""
    store = storage()
    if is_local(store):
        yield Path(store.path(name))
        return
    target = workdir / ("source" + Path(name).suffix)
    download_files([(name, target)])
    yield target


def upload_tree(local_dir: Path, prefix: str) -> list[tuple[str, int]]:
    """Copy a folder of outputs under `prefix`: locally by renames, to S3 in parallel. Playlists
    and manifests go last (see transfer.publish_waves), so a reader who finds one always finds
    every segment it names."""
    store = storage()
    prefix = prefix.rstrip("/")
    if is_local(store):
        return [_move_into(store, local_dir / relative, f"{prefix}/{relative}")
                for wave in transfer.publish_waves(transfer.tree(local_dir)) for relative in wave]  # fmt: skip
    client, bucket, key_of = _s3(store)
    try:
        written = transfer.upload_tree(
            client,
            bucket,
            local_dir,
            key_of=lambda relative: key_of(f"{prefix}/{relative}"),
            extra_of=lambda relative: _write_parameters(store, relative),
        )
    except transfer.ERRORS as exc:
        raise StorageUnavailable(f"storing outputs under {prefix} failed: {exc}") from exc
    return [(f"{prefix}/{relative}", size) for relative, size in written]


def _move_into(store: Storage, path: Path, name: str) -> tuple[str, int]:
    size = path.stat().st_size
    target = Path(store.path(name))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(path, target)  # a rename on the same filesystem
    return name, size


def _s3_storage(store: Storage) -> S3Storage:
    """Storage that is not local files is django-storages' S3 (MinIO, R2… speak the same API)."""
    from storages.backends.s3 import S3Storage

    if not isinstance(store, S3Storage):
        raise TypeError(f"unsupported storage {type(store).__name__}: local files (FileSystemStorage) or S3 only")
    return store


def _s3(store: Storage):
    """The S3 storage's client (thread-safe, shared by the transfer threads), bucket, and the key
    it gives a name (django-storages adds its `location` prefix)."""
    from storages.utils import clean_name

    s3 = _s3_storage(store)
    return s3.connection.meta.client, s3.bucket_name, lambda name: s3._normalize_name(clean_name(name))


def _write_parameters(store: Storage, name: str) -> dict:
    """What django-storages' own save would send: its object parameters and default ACL, with the
    content type the playback URLs use."""
    s3 = _s3_storage(store)
    params = {"ContentType": transfer.content_type(name), **s3.get_object_parameters(name)}
    if s3.default_acl and "ACL" not in params:
        params["ACL"] = s3.default_acl
    return params


def delete_prefix(prefix: str) -> int:
    """Remove everything under a folder. Returns how many files went."""
    if not prefix.strip("/"):
        raise ValueError("refusing to delete the storage root")
    store = storage()
    if is_local(store):
        root = Path(store.path(prefix))
        if not root.exists():
            return 0
        count = sum(1 for p in root.rglob("*") if p.is_file())
        shutil.rmtree(root)
        return count
    bucket = store.bucket  # type: ignore[attr-defined]
    deleted = bucket.objects.filter(Prefix=prefix.rstrip("/") + "/").delete()
    return sum(len(batch.get("Deleted", [])) for batch in deleted)


# --- listing and copying inside the storage, without downloading --------------------------
def list_files(prefix: str) -> list[str]:
    """Names of every file under a folder of the storage."""
    store = storage()
    prefix = prefix.strip("/")
    if is_local(store):
        root = Path(store.path(prefix))
        return sorted(f"{prefix}/{p.relative_to(root).as_posix()}" for p in root.rglob("*") if p.is_file())
    bucket = store.bucket  # type: ignore[attr-defined]
    return sorted(item.key for item in bucket.objects.filter(Prefix=prefix + "/"))


def copy_file(source: str, target: str) -> None:
    """Locally a hard link (a plain copy across filesystems); on S3 a server-side copy."""
    store = storage()
    if is_local(store):
        src, dst = Path(store.path(source)), Path(store.path(target))
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.exists():
            dst.unlink()
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
        return
    bucket = store.bucket  # type: ignore[attr-defined]
    bucket.copy({"Bucket": bucket.name, "Key": source}, target)


def copy_tree(source_prefix: str, target_prefix: str) -> int:
    source_prefix, target_prefix = source_prefix.strip("/"), target_prefix.strip("/")
    names = list_files(source_prefix)
    for name in names:
        copy_file(name, target_prefix + name[len(source_prefix) :])
    return len(names)


def download_files(pairs: list[tuple[str, Path]]) -> None:
    """Copy stored files to local paths: locally one after another, from S3 in parallel."""
    store = storage()
    if is_local(store):
        for name, target in pairs:
            target.parent.mkdir(parents=True, exist_ok=True)
            with store.open(name, "rb") as source, open(target, "wb") as handle:
                shutil.copyfileobj(source, handle, CHUNK)
        return
    client, bucket, key_of = _s3(store)
    try:
        transfer.download_files(client, bucket, [(key_of(name), target) for name, target in pairs])
    except transfer.ERRORS as exc:
        if isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
            raise FileNotFoundError(f"not in storage: {exc}") from exc
        raise StorageUnavailable(f"reading from storage failed: {exc}") from exc

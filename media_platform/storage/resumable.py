"""The bytes of a resumable upload while they arrive, and how they become one stored file.

Local storage: one file beside the target (`<target>.part`), written at the committed offset
under an exclusive flock, so a second writer fails at once and a dead process lets go; the
finished file is renamed into place. S3: each stretch of a request body becomes an object of
its own under `<target>.parts/`, sent from a bounded buffer; a worker joins them into the
target with a multipart upload (server-side copies where S3 allows), never the web host.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from botocore.exceptions import ClientError

from .files import CHUNK, StoredFile, delete_prefix, is_local, storage, stored_digest
from .parts import MIN_PART, plan_parts

# A stretch is recorded (and the offset moved) every SEGMENT bytes; on S3 it is also the size of
# the objects a body is cut into. The buffer never holds more than SEGMENT + MIN_PART + CHUNK.
SEGMENT = 8 * 1024**2


class UploadBusy(Exception):
    """Another request is writing this upload right now."""


class MissingBytes(Exception):
    """What storage holds is not the whole upload (removed by hand, or a bug): it cannot be joined."""


@dataclass(frozen=True)
class Segment:
    name: str
    offset: int
    size: int


@dataclass
class Stretch:
    """Bytes written since the last record: where they start, how many, and (on S3) their objects."""

    start: int
    size: int = 0
    segments: list[Segment] = field(default_factory=list)


def part_name(target: str) -> str:
    return f"{target}.part"


def segments_prefix(target: str) -> str:
    return f"{target}.parts"


class LocalAppender:
    def __init__(self, target: str, offset: int):
        self.path = Path(storage().path(part_name(target)))
        self.stretch = Stretch(offset)

    def __enter__(self) -> LocalAppender:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = os.fdopen(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644), "r+b")
        try:
            fcntl.flock(self.file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.file.close()
            raise UploadBusy() from None
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()  # lets go of the lock

    def start(self) -> None:
        """Called once the offset is confirmed under the lock: bytes past it were never recorded."""
        self.file.truncate(self.stretch.start)
        self.file.seek(self.stretch.start)

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.stretch.size += len(data)

    def ready(self) -> bool:
        return self.stretch.size >= SEGMENT

    def take(self) -> Stretch:
        self.file.flush()  # in the kernel's hands before the offset says so
        taken, self.stretch = self.stretch, Stretch(self.stretch.start + self.stretch.size)
        return taken

    def forget(self, stretch: Stretch) -> None:
        """Drop a stretch that was not recorded (another request won the offset)."""
        self.file.flush()
        self.file.truncate(stretch.start)
        self.file.seek(stretch.start)
        self.stretch = Stretch(stretch.start)

    def discard(self) -> None:
        """Drop whatever was written since the last record."""
        self.forget(self.stretch)


class S3Appender:
    def __init__(self, target: str, offset: int, body_length: int | None):
        self.prefix = segments_prefix(target)
        self.bucket = storage().bucket  # type: ignore[attr-defined]
        self.stretch = Stretch(offset)
        self.buffer = bytearray()
        self.left = body_length  # bytes of the body still to come, when known

    def __enter__(self) -> S3Appender:
        return self

    def __exit__(self, *exc) -> None:
        self.buffer.clear()

    def start(self) -> None:
        pass

    def write(self, data: bytes) -> None:
        self.buffer += data
        if self.left is not None:
            self.left -= len(data)
        # A short tail would make a segment too small to copy server-side: keep it with this one.
        if len(self.buffer) >= SEGMENT and (self.left is None or self.left >= MIN_PART):
            self._store()

    def _store(self) -> None:
        if not self.buffer:
            return
        offset = self.stretch.start + self.stretch.size
        name = f"{self.prefix}/{offset:015d}-{secrets.token_hex(8)}"  # the loser of a race keeps its own name
        self.bucket.put_object(Key=name, Body=bytes(self.buffer))
        self.stretch.segments.append(Segment(name, offset, len(self.buffer)))
        self.stretch.size += len(self.buffer)
        self.buffer.clear()

    def ready(self) -> bool:
        return bool(self.stretch.segments)

    def take(self) -> Stretch:
        self._store()
        taken, self.stretch = self.stretch, Stretch(self.stretch.start + self.stretch.size)
        return taken

    def forget(self, stretch: Stretch) -> None:
        self.buffer.clear()
        names = [segment.name for segment in stretch.segments]
        for start in range(0, len(names), 1000):
            self.bucket.delete_objects(Delete={"Objects": [{"Key": name} for name in names[start : start + 1000]]})
        self.stretch = Stretch(stretch.start)

    def discard(self) -> None:
        self.forget(self.stretch)  # the buffer is never sent


def appender(target: str, offset: int, body_length: int | None) -> LocalAppender | S3Appender:
    if is_local(storage()):
        return LocalAppender(target, offset)
    return S3Appender(target, offset, body_length)


# --- when every byte is in ----------------------------------------------------------------
def assemble(target: str, length: int, segments: list[Segment]) -> StoredFile:
    """Make the upload's bytes the file `target` and hash it. Safe to run again after a crash."""
    store = storage()
    if is_local(store):
        part, final = Path(store.path(part_name(target))), Path(store.path(target))
        if part.exists():
            if part.stat().st_size != length:
                raise MissingBytes(f"{part.stat().st_size} of {length} bytes are stored")
            os.replace(part, final)
        elif not final.exists():
            raise MissingBytes("the upload's bytes are gone")
    else:
        _join_segments(store.bucket, target, length, segments)  # type: ignore[attr-defined]
    stored = stored_digest(target)
    if stored.size != length:
        raise MissingBytes(f"{stored.size} of {length} bytes were joined")
    return stored


def discard_upload(target: str) -> None:
    """Remove an unfinished upload's bytes (not the target)."""
    store = storage()
    if is_local(store):
        Path(store.path(part_name(target))).unlink(missing_ok=True)
    else:
        delete_prefix(segments_prefix(target))


def _object_size(client, bucket: str, key: str) -> int | None:
    try:
        return client.head_object(Bucket=bucket, Key=key)["ContentLength"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise


def _join_segments(bucket, target: str, length: int, segments: list[Segment]) -> None:
    client = bucket.meta.client
    if _object_size(client, bucket.name, target) == length:
        return  # joined by an earlier run that stopped before recording it
    position = 0
    for segment in segments:
        if segment.offset != position:
            raise MissingBytes(f"no bytes are stored at offset {position}")
        position += segment.size
    if position != length:
        raise MissingBytes(f"{position} of {length} bytes are stored")
    if not segments:
        bucket.put_object(Key=target, Body=b"")
        return
    upload_id = client.create_multipart_upload(Bucket=bucket.name, Key=target)["UploadId"]
    try:
        parts = [
            _join_part(client, bucket.name, target, upload_id, number, [segments[i] for i in part.segments], part.copy)
            for number, part in enumerate(plan_parts([s.size for s in segments]), start=1)
        ]
        client.complete_multipart_upload(
            Bucket=bucket.name, Key=target, UploadId=upload_id, MultipartUpload={"Parts": parts}
        )
    except BaseException:
        client.abort_multipart_upload(Bucket=bucket.name, Key=target, UploadId=upload_id)
        raise


def _join_part(client, bucket: str, target: str, upload_id: str, number: int, group: list[Segment], copy: bool):
    where = {"Bucket": bucket, "Key": target, "UploadId": upload_id, "PartNumber": number}
    if copy:
        result = client.upload_part_copy(**where, CopySource={"Bucket": bucket, "Key": group[0].name})
        return {"ETag": result["CopyPartResult"]["ETag"], "PartNumber": number}
    # Small segments pass through a temporary file on the worker: never more than one part in memory.
    with tempfile.TemporaryFile() as spool:
        for segment in group:
            body = client.get_object(Bucket=bucket, Key=segment.name)["Body"]
            shutil.copyfileobj(body, spool, CHUNK)
        spool.seek(0)
        result = client.upload_part(**where, Body=spool, ContentLength=sum(s.size for s in group))
    return {"ETag": result["ETag"], "PartNumber": number}

"""PATCH: append a request body to an upload at its offset, streamed, never held whole.

The offset moves by compare-and-set on its old value (plus, on S3, one segment row per offset),
so of two requests at the same offset only one counts; locally the second is also refused at
once by the file lock. Without a checksum, progress is recorded every few MiB, so a dropped
connection or a killed web process loses at most the last stretch; with one, nothing counts
until the whole body is in and matches.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from media_platform.models import TusSegment, TusUpload
from media_platform.services.queueing import ENVIRONMENT_RETRY, enqueue
from media_platform.storage.files import CHUNK
from media_platform.storage.resumable import LocalAppender, S3Appender, Stretch, appender
from media_platform.tus.protocol import Checksum

from .create import expiry_from

FINISH = "media_platform.jobs.uploads.finish_tus_upload"
State = TusUpload.State


class OffsetConflict(Exception):
    """The upload is not at that offset (another request moved it), or takes no more bytes."""


class ChecksumMismatch(Exception):
    pass


class BodyIncomplete(Exception):
    """The body broke off before its end, and with a checksum to verify nothing of it can count."""


class BodyTooLong(Exception):
    """The body goes past Upload-Length. `offset`: where the upload stands (what fitted is kept)."""

    def __init__(self, offset: int):
        super().__init__(offset)
        self.offset = offset


class Body:
    """A request body read in bounded chunks, up to `limit` bytes; a break (the client went away,
    the server gave up on it) ends it early instead of raising."""

    def __init__(self, stream, length: int | None, limit: int):
        self.stream, self.length, self.limit = stream, length, limit
        self.received = 0
        self.broken = False
        self.too_long = False

    def __iter__(self):
        want = self.limit if self.length is None else self.length
        while self.received < want:
            data = self._read(min(CHUNK, want - self.received))
            if not data:
                self.broken = self.length is not None
                return
            self.received += len(data)
            yield data
        self.too_long = self.length is None and bool(self._read(1))

    def _read(self, size: int) -> bytes:
        try:
            return self.stream.read(size)
        except Exception:  # whatever the server raises for a dropped body (OSError, gunicorn's parse errors)
            self.broken = True
            return b""


def tus_upload_append(
    *, upload: TusUpload, offset: int, stream, body_length: int | None, checksum: Checksum | None = None
) -> int:
    """Append the body at `offset`; returns the upload's new offset."""
    if upload.state != State.RECEIVING or upload.offset != offset:
        if offset == upload.offset and body_length == 0:
            return offset  # nothing to add, e.g. a client checking a finished upload
        raise OffsetConflict()
    if body_length is not None and offset + body_length > upload.length:
        raise BodyTooLong(offset)
    with appender(upload.target_name, offset, body_length) as writer:
        upload.refresh_from_db()  # under the lock: nobody moved it since we looked
        if upload.state != State.RECEIVING or upload.offset != offset:
            raise OffsetConflict()
        writer.start()
        return _receive(upload, writer, Body(stream, body_length, upload.length - offset), checksum)


def _receive(upload: TusUpload, writer: LocalAppender | S3Appender, body: Body, checksum: Checksum | None) -> int:
    hasher = checksum.hasher() if checksum else None
    try:
        for data in body:
            writer.write(data)
            if hasher is not None:
                hasher.update(data)
            elif writer.ready():
                _record(upload, writer, writer.take())
    except BaseException:
        writer.discard()  # storage failed under us: nothing beyond the last record counts
        raise
    if hasher is not None and checksum is not None and (body.broken or hasher.digest() != checksum.digest):
        writer.discard()
        raise BodyIncomplete() if body.broken else ChecksumMismatch()
    offset = _record(upload, writer, writer.take())
    if body.too_long:
        raise BodyTooLong(offset)
    return offset


def _record(upload: TusUpload, writer: LocalAppender | S3Appender, stretch: Stretch) -> int:
    if stretch.size == 0:
        return stretch.start
    try:
        _commit(upload, stretch)
    except OffsetConflict:
        writer.forget(stretch)
        raise
    return upload.offset


def _commit(upload: TusUpload, stretch: Stretch) -> None:
    end = stretch.start + stretch.size
    now = timezone.now()
    state = State.COMPLETE if end == upload.length else State.RECEIVING
    try:
        with transaction.atomic():
            moved = TusUpload.objects.filter(pk=upload.pk, offset=stretch.start, state=State.RECEIVING).update(
                offset=end, state=state, updated_at=now, expires_at=expiry_from(now)
            )
            if not moved:
                raise OffsetConflict()
            TusSegment.objects.bulk_create(
                TusSegment(upload_id=upload.pk, offset=s.offset, size=s.size, name=s.name) for s in stretch.segments
            )
            if state == State.COMPLETE:
                # robust: with Redis down the client still hears 204; the sweep sends the job later
                transaction.on_commit(
                    lambda: enqueue("default", FINISH, str(upload.pk), retry=ENVIRONMENT_RETRY), robust=True
                )
    except IntegrityError:
        raise OffsetConflict() from None
    upload.offset, upload.state, upload.updated_at, upload.expires_at = end, state, now, expiry_from(now)

"""Two PATCHes at the same offset: only one counts, the other gets 409 — locally because the
first holds the file's lock, on S3 because the offset moves by compare-and-set."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from media_platform.models import TusSegment, TusUpload
from media_platform.services.uploads import OffsetConflict, tus_upload_append
from tests.support.s3 import storage_settings

pytestmark = pytest.mark.django_db(transaction=True)


class Held:
    """A body that sends its first `first` bytes, then waits until released."""

    def __init__(self, data: bytes, first: int):
        self.data, self.first, self.position = data, first, 0
        self.waiting, self.release = threading.Event(), threading.Event()

    def read(self, size: int = -1) -> bytes:
        if self.position >= self.first and not self.release.is_set():
            self.waiting.set()
            assert self.release.wait(30)
        end = len(self.data) if size < 0 else min(len(self.data), self.position + size)
        if self.position < self.first:
            end = min(end, self.first)
        chunk, self.position = self.data[self.position : end], end
        return chunk


def in_thread(upload: TusUpload, body: Held) -> dict:
    """Append `body` at offset 0 in another thread (as another web worker would)."""
    outcome: dict = {}

    def run():
        try:
            outcome["offset"] = tus_upload_append(upload=upload, offset=0, stream=body, body_length=len(body.data))
        except Exception as exc:
            outcome["error"] = exc
        finally:
            connection.close()

    outcome["thread"] = threading.Thread(target=run)
    outcome["thread"].start()
    assert body.waiting.wait(30)
    return outcome


def test_locally_the_second_patch_is_refused_while_the_first_writes(tus):
    first, second = os.urandom(300_000), os.urandom(300_000)
    location = tus.start(len(first))
    upload = TusUpload.objects.get()
    body = Held(first, 100_000)
    outcome = in_thread(upload, body)  # holds the upload, half-way through its body

    loser = tus.patch(location, second, 0)
    assert loser.status_code == 409 and "Another request" in loser.json()["message"]

    body.release.set()
    outcome["thread"].join(30)
    assert outcome.get("offset") == len(first), outcome.get("error")
    stored = Path(settings.MEDIA_ROOT) / f"{TusUpload.objects.get().target_name}.part"
    assert stored.read_bytes() == first


def test_on_s3_the_slower_of_two_patches_loses_and_leaves_nothing(tus, s3, settings):
    bucket = s3.bucket()
    settings.STORAGES = {**settings.STORAGES, "default": storage_settings(bucket, s3.endpoint)}
    settings.TUS_FINISH_IN_WEB = False  # the parts are looked at as the PATCHes left them, not yet joined
    first, second = os.urandom(300_000), os.urandom(300_000)
    location = tus.start(len(first))
    upload = TusUpload.objects.get()
    body = Held(first, 100_000)
    outcome = in_thread(upload, body)

    # the second request at the same offset is not locked out: it finishes first and counts
    winner = tus.patch(location, second, 0)
    assert winner.status_code == 204 and winner["Upload-Offset"] == str(len(second))

    body.release.set()
    outcome["thread"].join(30)
    assert isinstance(outcome.get("error"), OffsetConflict)
    segment = TusSegment.objects.get()
    assert (segment.offset, segment.size) == (0, len(second))
    assert s3.keys(bucket, "originals/") == [segment.name]  # the loser's object was removed
    assert s3.client().get_object(Bucket=bucket, Key=segment.name)["Body"].read() == second

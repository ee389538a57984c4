"""On S3 storage: a body's stretches become objects of their own, a worker joins them with one
multipart upload (copies on the server where S3 allows), and nothing is left behind."""

from __future__ import annotations

import base64
import hashlib
import io
import os

import pytest

from media_platform.models import TusSegment, TusUpload, Video
from media_platform.services.uploads import tus_upload_append
from media_platform.storage import stored_digest
from tests.support.s3 import storage_settings
from tests.support.tus import sha256_of
from tests.support.workers import run_burst

pytestmark = pytest.mark.django_db(transaction=True)
MB = 1_000_000


@pytest.fixture
def bucket(s3, settings) -> str:
    name = s3.bucket()
    settings.STORAGES = {**settings.STORAGES, "default": storage_settings(name, s3.endpoint)}
    return name


class Dropped(io.BytesIO):
    """A body whose connection breaks after `at` bytes."""

    def __init__(self, data: bytes, at: int):
        super().__init__(data)
        self.at = at

    def read(self, size=-1):
        if self.tell() >= self.at:
            raise ConnectionResetError("connection reset by peer")
        return super().read(min(size, self.at - self.tell()))


@pytest.mark.ffmpeg
@pytest.mark.workers
def test_stretches_are_joined_on_the_server_into_the_original(tus, s3, bucket):
    payload = os.urandom(15 * MB)
    location = tus.start(len(payload))
    upload = TusUpload.objects.get()
    parts = f"{upload.target_name}.parts/"

    # a first body breaks off after 2.5 MB: what came is kept, as a small segment
    half = int(2.5 * MB)
    assert tus_upload_append(upload=upload, offset=0, stream=Dropped(payload, half), body_length=6 * MB) == half
    # then two PATCHes bring the rest
    assert tus.patch(location, payload[half : 9 * MB], half).status_code == 204
    assert tus.patch(location, payload[9 * MB :], 9 * MB).status_code == 204
    assert [s.size for s in TusSegment.objects.order_by("offset")] == [2.5 * MB, 6.5 * MB, 6 * MB]
    assert len(s3.keys(bucket, parts)) == 3

    run_burst(["default", "low"])

    video = Video.objects.get(guid=tus.guid)
    assert video.original_hash == sha256_of(payload) and video.original_size == len(payload)
    body = s3.client().get_object(Bucket=bucket, Key=video.original_name)["Body"].read()
    assert body == payload
    assert s3.keys(bucket, parts) == []  # the segments are gone once joined
    assert s3.keys(bucket, f"originals/{tus.library_id}/{tus.guid}/") == [video.original_name]


@pytest.mark.ffmpeg
@pytest.mark.workers
def test_a_small_upload_is_one_segment_and_one_object(tus, s3, bucket, payload):
    location = tus.start(len(payload))
    assert tus.patch(location, payload, 0).status_code == 204
    run_burst(["default", "low"])
    video = Video.objects.get(guid=tus.guid)
    assert stored_digest(video.original_name).sha256 == sha256_of(payload) == video.original_hash


def test_a_checksum_mismatch_leaves_no_object_behind(tus, s3, bucket, payload):
    location = tus.start(len(payload))
    wrong = "sha256 " + base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    assert tus.patch(location, payload, 0, **{"Upload-Checksum": wrong}).status_code == 460
    assert s3.keys(bucket, "originals/") == [] and TusSegment.objects.count() == 0
    assert tus.head(location)["Upload-Offset"] == "0"


@pytest.mark.workers
def test_termination_removes_the_segments(tus, s3, bucket, payload):
    location = tus.start(len(payload))
    tus.patch(location, payload[:MB], 0)
    assert len(s3.keys(bucket, "originals/")) == 1
    assert tus.delete(location).status_code == 204
    run_burst(["low"])
    assert s3.keys(bucket, "originals/") == []


def test_storage_down_is_503_and_the_upload_resumes_once_it_is_back(tus, s3, bucket, payload):
    location = tus.start(len(payload))
    assert tus.patch(location, payload[:MB], 0).status_code == 204
    s3.stop()
    try:
        down = tus.patch(location, payload[MB:], MB)
    finally:
        s3.start()  # moto starts empty: the bucket and the first segment are gone with it
    assert down.status_code == 503 and "Storage is unavailable" in down.json()["message"]
    assert tus.head(location)["Upload-Offset"] == str(MB)

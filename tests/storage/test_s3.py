"""S3 both ways: as the platform's own storage (django-storages) and as request-named locations."""

from __future__ import annotations

import hashlib
import io
import socket

import pytest
import requests

from media_platform.engine.spec import Mp4Job, Rendition, ThumbnailJob, VideoSettings
from media_platform.models import EncodingProcess, Video
from media_platform.services.pipeline import encoding_process_create
from media_platform.storage import save_stream
from media_platform.storage.s3 import S3Error, S3Location, mask_url, parse_s3_url
from media_platform.storage.s3 import upload_tree as upload_tree_s3
from tests.support.bunny import create_video, get_video, upload
from tests.support.s3 import KEY, REGION, SECRET, storage_settings
from tests.support.workers import run_burst

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def s3_storage(s3, settings):
    bucket = s3.bucket()
    settings.STORAGES = {**settings.STORAGES, "default": storage_settings(bucket, s3.endpoint)}
    return bucket


@pytest.mark.workers
def test_the_platform_runs_on_s3_storage(bunny, library_keys, clip, client, s3, s3_storage):
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("s3.mp4", duration=1))
    run_burst()
    video = get_video(bunny, library_keys.id, guid)
    assert video["status"] == 4, video["transcodingMessages"]
    prefix = Video.objects.get(guid=guid).outputs_prefix
    keys = s3.keys(s3_storage)
    assert f"{prefix}/playlist.m3u8" in keys and f"{prefix}/180p/video0.ts" in keys
    assert any(key.startswith(f"originals/{library_keys.id}/{guid}/") for key in keys)
    assert client.get(f"/{guid}/playlist.m3u8").content.startswith(b"#EXTM3U")  # playlists from the web
    redirect = client.get(f"/{guid}/180p/video0.ts")  # the rest from S3
    assert redirect.status_code == 302
    assert requests.get(redirect["Location"], timeout=10).content[:1] == b"\x47"  # an MPEG-TS sync byte


@pytest.mark.workers
def test_a_process_reads_and_writes_request_named_s3_locations(library_keys, clip, s3):
    source_bucket, output_bucket = s3.bucket(), s3.bucket()
    s3.client().upload_file(str(clip("in-s3.mp4", duration=1)), source_bucket, "in/video.mp4")
    source = S3Location(source_bucket, "in/video.mp4", REGION, s3.endpoint, KEY, SECRET)
    destination = S3Location(output_bucket, "out/job-1", REGION, s3.endpoint, KEY, SECRET)
    rendition = Rendition(name="small", height=120, video=VideoSettings(preset="ultrafast", crf=30))
    process = encoding_process_create(
        library=library_keys.library,
        source=source.to_json(),
        destination=destination.to_json(),
        jobs=[Mp4Job(rendition=rendition, filename="small.mp4"), ThumbnailJob(filename="poster.jpg")],
        dialect=EncodingProcess.Dialect.CLI,
    )
    assert SECRET not in str(process.source) and SECRET not in str(process.destination)
    run_burst()
    process.refresh_from_db()
    assert process.status == "FINISHED", process.fail_message
    assert s3.keys(output_bucket) == ["out/job-1/poster.jpg", "out/job-1/small.mp4"]


@pytest.mark.workers
def test_a_missing_source_object_fails_the_process_with_a_reason(library_keys, s3):
    bucket = s3.bucket()
    source = S3Location(bucket, "nope.mp4", REGION, s3.endpoint, KEY, SECRET)
    process = encoding_process_create(
        library=library_keys.library,
        source=source.to_json(),
        destination=S3Location(bucket, "out", REGION, s3.endpoint, KEY, SECRET).to_json(),
        jobs=[ThumbnailJob()],
        dialect=EncodingProcess.Dialect.CLI,
    )
    run_burst()
    process.refresh_from_db()
    assert process.status == "FAILED" and "does not exist" in process.fail_message


def test_s3_urls_parse_and_mask_their_secrets():
    url = "s3://bucket/path/to/out/?access_key=AKIAABCDEFGH&secret_key=verysecret1234&region=eu-west-1&endpoint=http://h:9"
    location = parse_s3_url(url)
    assert (location.bucket, location.key, location.region, location.endpoint) == (
        "bucket",
        "path/to/out",
        "eu-west-1",
        "http://h:9",
    )
    assert (location.access_key, location.secret_key) == ("AKIAABCDEFGH", "verysecret1234")
    masked = mask_url(url)
    assert "verysecret1234" not in masked and "secret_key=****1234" in masked and "access_key=****EFGH" in masked


def test_a_url_python_cannot_parse_is_refused_and_still_masked():
    url = "s3://[bucket/path?access_key=AKIAABCDEFGH&secret_key=verysecret1234"
    with pytest.raises(S3Error, match="is not an s3://bucket/path URL") as refused:
        parse_s3_url(url)
    assert "verysecret1234" not in str(refused.value)


@pytest.fixture
def rebinding_dns(monkeypatch):
    """A name whose DNS answers with a public address the first time and with loopback after, as a
    rebinding attacker's does. DNS is the outside edge faked here; the connections are real."""
    real = socket.getaddrinfo
    answers: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "s3.rebind.test":
            return real(host, port, *args, **kwargs)
        answers.append("93.184.215.14" if not answers else "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (answers[-1], int(port)))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_a_request_named_endpoint_rebinding_to_a_private_address_is_refused_at_connect_time(
    s3_server, rebinding_dns, settings, tmp_path
):
    # given a location whose endpoint passes the check before the call, then resolves to loopback
    settings.SSRF_ALLOWLIST = []
    bucket = s3_server.bucket()
    (tmp_path / "video0.ts").write_bytes(b"segment")
    location = S3Location(bucket, "out", REGION, f"http://s3.rebind.test:{s3_server.port}", KEY, SECRET)

    # when outputs are sent there
    with pytest.raises(S3Error, match="is not allowed: s3.rebind.test resolves to 127.0.0.1") as refused:
        upload_tree_s3(tmp_path, location)

    # then the check before the call saw a public address, the connection refused loopback, and
    # nothing reached the S3 server; the error is not one to retry
    assert rebinding_dns[0] == "93.184.215.14" and "127.0.0.1" in rebinding_dns[1:]
    assert not refused.value.retryable
    assert s3_server.keys(bucket) == []


class Trickle(io.RawIOBase):
    """A request body as a web server hands it over: pieces of whatever size arrived, never seekable."""

    def __init__(self, data: bytes, piece: int):
        self.data, self.piece, self.at = data, piece, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self.piece if size is None or size < 0 else min(size, self.piece)
        chunk = self.data[self.at : self.at + size]
        self.at += len(chunk)
        return chunk


def test_an_upload_bigger_than_a_part_is_stored_whole_on_s3_storage(s3, s3_storage):
    # given a 20 MiB body arriving in 64 KiB pieces (S3's transfer manager took a short read for
    # the end of the stream: only 2 MiB of any upload were stored, and the upload was refused)
    data = bytes(range(256)) * (20 * 4096)

    # when it is streamed into the platform's S3 storage
    stored = save_stream("originals/1/big", Trickle(data, 64 * 1024))

    # then every byte is there, and the size and hash are the whole body's
    assert stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
    body = s3.client().get_object(Bucket=s3_storage, Key="originals/1/big")["Body"].read()
    assert hashlib.sha256(body).hexdigest() == stored.sha256

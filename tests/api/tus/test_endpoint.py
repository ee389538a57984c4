"""/tusupload spoken by the book (tus 1.0 with creation, creation-with-upload, termination,
expiration and checksum) with bunny's presigned headers, on local storage."""

from __future__ import annotations

import base64
import hashlib
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from media_platform.models import TusUpload, Video
from tests.support.tus import sha256_of
from tests.support.workers import run_burst

pytestmark = pytest.mark.django_db(transaction=True)


def part_file(location: str) -> Path:
    upload = TusUpload.objects.get(pk=location.rsplit("/", 1)[-1])
    return Path(settings.MEDIA_ROOT) / f"{upload.target_name}.part"


def checksum(algorithm: str, data: bytes) -> str:
    return f"{algorithm} {base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


def test_options_tells_clients_and_browsers_what_the_server_does(client):
    for path in ("/tusupload", "/tusupload/6f1d2c3b-1a2b-4c5d-8e9f-0a1b2c3d4e5f"):
        preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "PATCH"}
        response = client.options(path, headers=preflight)
        assert response.status_code == 204
        assert response["Tus-Version"] == "1.0.0"
        assert set(response["Tus-Extension"].split(",")) >= {"creation", "termination", "expiration", "checksum"}
        assert response["Tus-Max-Size"] == str(settings.MAX_UPLOAD_BYTES)
        assert "sha256" in response["Tus-Checksum-Algorithm"].split(",")
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "PATCH" in response["Access-Control-Allow-Methods"]
        allowed = {h.strip().lower() for h in response["Access-Control-Allow-Headers"].split(",")}
        assert {"authorizationsignature", "authorizationexpire", "videoid", "libraryid", "upload-offset"} <= allowed


@pytest.mark.ffmpeg
@pytest.mark.workers
def test_an_upload_is_created_resumed_and_completed(tus, payload):
    # when a client creates an upload with bunny's metadata
    response = tus.create(len(payload), metadata={"filetype": "video/mp4", "title": "Holiday ✓"})

    # then it gets where to send the bytes, and until when
    assert response.status_code == 201, response.content
    location = response["Location"]
    assert location.startswith("/tusupload/")
    assert parsedate_to_datetime(response["Upload-Expires"]) > timezone.now()
    assert "Location" in response["Access-Control-Expose-Headers"]
    assert Video.objects.get(guid=tus.guid).title == "Holiday ✓"

    head = tus.head(location)
    assert head.status_code == 200
    assert (head["Upload-Offset"], head["Upload-Length"]) == ("0", str(len(payload)))
    assert head["Cache-Control"] == "no-store" and head["Tus-Resumable"] == "1.0.0"
    assert "filetype dmlkZW8vbXA0" in head["Upload-Metadata"].split(",")

    # when the bytes come in two PATCHes, the first with a sha256 checksum
    first = tus.patch(location, payload[:1_000_000], 0, **{"Upload-Checksum": checksum("sha256", payload[:1_000_000])})
    assert first.status_code == 204, first.content
    assert first["Upload-Offset"] == "1000000" and "Upload-Expires" in first
    assert tus.head(location)["Upload-Offset"] == "1000000"
    last = tus.patch(location, payload[1_000_000:], 1_000_000)

    # then the upload is complete and, once a worker has run, it is the video's original
    assert last.status_code == 204 and last["Upload-Offset"] == str(len(payload))
    assert tus.head(location)["Upload-Offset"] == str(len(payload))
    run_burst(["high", "default", "low"])
    video = Video.objects.get(guid=tus.guid)
    assert video.has_original and video.original_size == len(payload)
    assert video.original_hash == sha256_of(payload)
    assert (Path(settings.MEDIA_ROOT) / video.original_name).read_bytes() == payload
    assert TusUpload.objects.get().state == "stored"
    assert not part_file(location).exists()
    assert video.processes.count() == 1  # it went on to be encoded, as a PUT does


def test_checksums_are_verified_and_a_mismatch_keeps_nothing(tus, payload):
    location = tus.start(len(payload))
    bad = tus.patch(location, payload[:1000], 0, **{"Upload-Checksum": checksum("sha256", b"something else")})
    assert bad.status_code == 460 and bad.json()["statusCode"] == 460
    assert tus.head(location)["Upload-Offset"] == "0"
    assert part_file(location).stat().st_size == 0
    good = tus.patch(location, payload[:1000], 0, **{"Upload-Checksum": checksum("sha1", payload[:1000])})
    assert good.status_code == 204 and good["Upload-Offset"] == "1000"
    unsupported = tus.patch(location, payload[1000:2000], 1000, **{"Upload-Checksum": "crc32 AAAAAA=="})
    assert unsupported.status_code == 400
    assert tus.head(location)["Upload-Offset"] == "1000"


def test_a_patch_at_the_wrong_offset_is_409_and_changes_nothing(tus, payload):
    location = tus.start(len(payload))
    assert tus.patch(location, payload[:500], 0).status_code == 204
    stale = tus.patch(location, payload[:500], 0)
    assert stale.status_code == 409 and stale.json() == {
        "success": False,
        "message": "Upload-Offset 0 is not where the upload stands: ask with HEAD.",
        "statusCode": 409,
    }
    assert tus.patch(location, payload[600:700], 600).status_code == 409
    assert tus.head(location)["Upload-Offset"] == "500"
    assert part_file(location).read_bytes() == payload[:500]


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"content_type": "application/octet-stream"}, 415),
        ({"Upload-Offset": "-5"}, 400),
        ({"Tus-Resumable": "0.2.2"}, 412),
    ],
)
def test_malformed_patches_are_refused(tus, payload, change, status):
    location = tus.start(len(payload))
    response = tus.patch(location, payload[:10], 0, **change)
    assert response.status_code == status
    if status == 412:
        assert response["Tus-Version"] == "1.0.0"
    assert tus.head(location)["Upload-Offset"] == "0"


def test_bytes_past_the_upload_length_are_413(tus, payload):
    location = tus.start(100)
    assert tus.patch(location, payload[:101], 0).status_code == 413
    assert tus.head(location)["Upload-Offset"] == "0"


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Upload-Length": ""}, 400),
        ({"Upload-Length": "0"}, 400),
        ({"Upload-Length": "10", "Upload-Defer-Length": "1"}, 400),
        ({"Upload-Length": str(50 * 1024**3 + 1)}, 413),
        ({"Upload-Length": "10", "Upload-Metadata": "title ***"}, 400),
    ],
)
def test_creation_refuses_what_it_cannot_take(tus, headers, status):
    response = tus.client.generic("POST", "/tusupload", b"", headers={**tus.headers(), **headers})
    assert response.status_code == status, response.content
    assert TusUpload.objects.count() == 0


def test_bunny_metadata_sets_the_collection_and_thumbnail_time(tus, bunny, library_keys):
    collection = bunny.post(f"/library/{library_keys.id}/collections", {"name": "Trips"}, format="json").json()
    tus.start(10, metadata={"title": "T", "collection": collection["guid"], "thumbnailTime": "2500"})
    video = Video.objects.get(guid=tus.guid)
    assert (str(video.collection.guid), video.thumbnail_time) == (collection["guid"], 2500)
    assert tus.create(10, metadata={"collection": "6f1d2c3b-1a2b-4c5d-8e9f-0a1b2c3d4e5f"}).status_code == 400
    assert tus.create(10, metadata={"thumbnailTime": "soon"}).status_code == 400


def test_creation_with_upload_keeps_the_first_bytes(tus, payload):
    response = tus.create(len(payload), body=payload[:4096])
    assert response.status_code == 201 and response["Upload-Offset"] == "4096"
    assert tus.head(response["Location"])["Upload-Offset"] == "4096"


def test_clients_without_patch_use_the_method_override(tus, payload):
    location = tus.start(len(payload))
    response = tus.client.generic(
        "POST",
        location,
        payload[:300],
        content_type="application/offset+octet-stream",
        headers=tus.headers(**{"Upload-Offset": "0", "X-HTTP-Method-Override": "PATCH"}),
    )
    assert response.status_code == 204 and response["Upload-Offset"] == "300"


@pytest.mark.workers
def test_termination_removes_the_upload_and_its_bytes(tus, payload):
    location = tus.start(len(payload))
    tus.patch(location, payload[:2000], 0)
    assert part_file(location).exists()
    path = part_file(location)
    assert tus.delete(location).status_code == 204
    assert tus.head(location).status_code == 404
    assert tus.patch(location, payload[2000:3000], 2000).status_code == 404
    run_burst(["low"])
    assert not path.exists()
    video = Video.objects.get(guid=tus.guid)
    assert not video.has_original and video.status == 0  # still waiting for a file

"""Only a request signed with the library's API key for that video, before its expiry, gets in;
any other gets 401/403 and changes nothing."""

from __future__ import annotations

import time

import pytest

from media_platform.models import Library, TusUpload, Video
from media_platform.services.libraries import library_create
from tests.support.bunny import create_video
from tests.support.tus import presigned_headers

pytestmark = pytest.mark.django_db(transaction=True)


def attempts(tus, other_guid: str) -> dict[str, tuple[dict, int]]:
    good = tus.headers()
    past = int(time.time()) - 1
    return {
        "no headers": ({"Tus-Resumable": "1.0.0"}, 401),
        "no signature": ({**good, "AuthorizationSignature": ""}, 401),
        "garbled expiry": ({**good, "AuthorizationExpire": "tomorrow"}, 401),
        "wrong key": ({**good, **presigned_headers(tus.library_id, "not-the-key", tus.guid)}, 403),
        "read-only key": ({**good, **presigned_headers(tus.library_id, tus.read_only_key, tus.guid)}, 403),
        "expired": ({**good, **presigned_headers(tus.library_id, tus.api_key, tus.guid, expire=past)}, 403),
        "signature for another video": ({**good, "VideoId": other_guid}, 403),
        "unknown library": ({**good, **presigned_headers(999999, tus.api_key, tus.guid)}, 403),
    }


@pytest.fixture
def other_guid(bunny, library_keys) -> str:
    return create_video(bunny, library_keys.id, title="Other")


def test_creation_needs_a_valid_signature(tus, other_guid, library_keys):
    tus.read_only_key = library_keys.read_only_key
    for name, (headers, status) in attempts(tus, other_guid).items():
        response = tus.client.generic("POST", "/tusupload", b"", headers={**headers, "Upload-Length": "10"})
        assert response.status_code == status, name
        assert response.json()["success"] is False and response.json()["statusCode"] == status
    assert TusUpload.objects.count() == 0
    assert Video.objects.get(guid=tus.guid).title == "Before upload"


def test_every_request_on_an_upload_needs_a_valid_signature(tus, other_guid, library_keys, payload):
    tus.read_only_key = library_keys.read_only_key
    location = tus.start(len(payload))
    tus.patch(location, payload[:100], 0)
    for name, (headers, status) in attempts(tus, other_guid).items():
        patch = tus.client.generic(
            "PATCH",
            location,
            payload[100:200],
            content_type="application/offset+octet-stream",
            headers={**headers, "Upload-Offset": "100"},
        )
        assert patch.status_code == status, name
        assert tus.client.head(location, headers=headers).status_code == status, name
        assert tus.client.generic("DELETE", location, headers=headers).status_code == status, name
    upload = TusUpload.objects.get()
    assert (upload.offset, upload.state) == (100, "receiving")


def test_a_video_of_another_library_is_out_of_reach(tus):
    other, keys = library_create(name="Elsewhere")
    foreign = Video.objects.create(library=other, title="Theirs")
    # signed correctly, with our key, for a video that is not ours
    headers = {"Tus-Resumable": "1.0.0", "Upload-Length": "10"}
    headers.update(presigned_headers(tus.library_id, tus.api_key, str(foreign.guid)))
    assert tus.client.generic("POST", "/tusupload", b"", headers=headers).status_code == 404
    # and their key cannot sign for our video
    headers.update(presigned_headers(other.pk, keys.api_key, tus.guid))
    assert tus.client.generic("POST", "/tusupload", b"", headers=headers).status_code == 404
    assert TusUpload.objects.count() == 0


def test_an_upload_belongs_to_its_video(tus, other_guid, payload):
    location = tus.start(len(payload))
    tus.guid = other_guid  # a valid signature, but for another video of the library
    assert tus.head(location).status_code == 404
    assert tus.patch(location, payload[:10], 0).status_code == 404


def test_a_key_known_only_by_its_hash_is_learnt_from_its_first_use(tus, client, library_keys):
    Library.objects.filter(pk=library_keys.id).update(api_key_encrypted="")
    refused = tus.create(10)
    assert refused.status_code == 403 and "use it once" in refused.json()["message"]
    # bunny's flow: the backend creates the video with its key, then hands out the signature
    client.get(f"/library/{library_keys.id}/videos", headers={"AccessKey": library_keys.api_key})
    assert tus.create(10).status_code == 201

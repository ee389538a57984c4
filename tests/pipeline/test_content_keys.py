"""AES-128 HLS for a library's videos: keys never stored in the clear, served by the platform,
only to signed and unexpired key URLs when the library asks for that."""

from __future__ import annotations

import re
import time

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from media_platform.models import EncodingJob, Video
from media_platform.services.pipeline.keys import KEY_URL_TTL, signed_key_url
from tests.support.bunny import create_video, served, upload
from tests.support.workers import run_burst

pytestmark = pytest.mark.django_db(transaction=True)
KEY_LINE = re.compile(r'#EXT-X-KEY:METHOD=AES-128,URI="([^"]+)"')


@pytest.fixture
def encrypted_video(bunny, library_keys, clip, settings):
    settings.PUBLIC_BASE_URL = "http://testserver"
    library = library_keys.library
    library.encrypt_hls = True
    library.enabled_resolutions = "240p"
    library.save()
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("protected.mp4", size="426x240", duration=2))
    run_burst()
    assert Video.objects.get(guid=guid).status == 4
    return guid


def key_path(uri: str) -> str:
    return uri.removeprefix("http://testserver")


def decrypt_segment(data: bytes, key: bytes, sequence: int) -> bytes:
    iv = sequence.to_bytes(16, "big")  # no IV in the playlist: the segment's media sequence number
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    return plain[: -plain[-1]]


@pytest.mark.workers
def test_segments_are_encrypted_and_the_platform_serves_their_key(encrypted_video, client):
    playlist = served(client, encrypted_video, "240p/video.m3u8").decode()
    (uri,) = set(KEY_LINE.findall(playlist))
    assert re.fullmatch(r"http://testserver/keys/[A-Za-z0-9_-]{21}\.key", uri)

    response = client.get(key_path(uri))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    key = response.content
    assert len(key) == 16

    first = served(client, encrypted_video, "240p/video0.ts")
    assert first[0] != 0x47 or first[188] != 0x47
    plain = decrypt_segment(first, key, 0)
    assert plain[0] == 0x47 and plain[188] == 0x47 and len(plain) % 188 == 0

    stored = str(list(EncodingJob.objects.values_list("spec", flat=True)))
    assert key.hex() not in stored and "sealed:" in stored


@pytest.mark.workers
def test_a_signing_library_serves_its_keys_only_to_signed_unexpired_urls(encrypted_video, client, library_keys):
    library_keys.library.sign_key_requests = True
    library_keys.library.save()

    playlist = served(client, encrypted_video, "240p/video.m3u8").decode()
    (uri,) = set(KEY_LINE.findall(playlist))
    assert "?expires=" in uri and "&token=" in uri
    expires = int(re.search(r"expires=(\d+)", uri).group(1))
    assert time.time() + KEY_URL_TTL - 60 < expires <= time.time() + KEY_URL_TTL + 1
    assert client.get(key_path(uri)).status_code == 200

    bare = key_path(uri).split("?")[0]
    public_id = bare.rsplit("/", 1)[1].removesuffix(".key")
    assert client.get(bare).status_code == 403
    assert client.get(key_path(uri)[:-4] + "0000").status_code == 403  # a forged token
    expired = signed_key_url(public_id, ttl=-1)
    assert client.get(key_path(expired)).status_code == 403
    other = signed_key_url("x" * 21)
    assert client.get(key_path(other)).status_code == 404


def test_an_unknown_key_is_not_found(client, db):
    assert client.get("/keys/nothing-like-this-one.key").status_code == 404


@pytest.mark.workers
def test_the_master_still_names_the_codecs_of_encrypted_segments(encrypted_video, client):
    master = served(client, encrypted_video, "playlist.m3u8").decode()
    assert 'CODECS="avc1.' in master and "mp4a.40.2" in master

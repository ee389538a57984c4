"""S3 storage behind two addresses: the platform writes through the internal endpoint, viewers are
sent to the public one (S3_PUBLIC_ENDPOINT_URL), and a private bucket's files still play."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
import requests

from media_platform.models import Video
from tests.support.bunny import create_video, get_video, upload
from tests.support.s3 import use_as_storage
from tests.support.s3_proxy import start_s3_proxy
from tests.support.workers import run_burst

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers]


@pytest.fixture
def public_s3(s3):
    public = start_s3_proxy(s3.port, public=True)
    yield public
    public.stop()


def test_playback_sends_viewers_to_the_public_endpoint_and_a_private_bucket_plays(
    bunny, library_keys, clip, client, s3, public_s3, settings
):
    bucket = s3.bucket()
    use_as_storage(settings, bucket, s3.endpoint, public_endpoint=public_s3.endpoint)
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("public.mp4", duration=1))
    run_burst()
    assert get_video(bunny, library_keys.id, guid)["status"] == 4
    prefix = Video.objects.get(guid=guid).outputs_prefix

    # playlists come from the platform itself, so the URIs in them resolve to its own paths
    master = client.get(f"/{guid}/playlist.m3u8")
    assert master.status_code == 200 and master.content.decode().startswith("#EXTM3U")
    rendition = next(line for line in master.content.decode().splitlines() if line.endswith(".m3u8"))
    playlist_url = urljoin(f"/{guid}/playlist.m3u8", rendition)
    segments = [line for line in client.get(playlist_url).content.decode().splitlines() if line.endswith(".ts")]
    assert segments

    # and every segment is a redirect to a URL presigned for the public endpoint
    redirect = client.get(urljoin(playlist_url, segments[0]))
    assert redirect.status_code == 302
    location = redirect["Location"]
    assert location.startswith(f"{public_s3.endpoint}/{bucket}/{prefix}/") and "Signature=" in location
    served = requests.get(location, timeout=10)
    assert served.status_code == 200 and served.content[:1] == b"\x47"  # an MPEG-TS sync byte

    # while the same file asked for anonymously, as a relative URI against the bucket would be, is refused
    anonymous = requests.get(re.sub(r"\?.*", "", location), timeout=10)
    assert anonymous.status_code == 403

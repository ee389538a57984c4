"""Operations on encoded outputs, with real encodes: resolutions cleanup, repackage (stream copy only),
adding an output codec, and play data behind signed URLs."""

from __future__ import annotations

import subprocess

import pytest

from media_platform.models import Video
from media_platform.playback.tokens import signed_play_params
from media_platform.storage import exists, list_files
from tests.support.bunny import create_video, output_path, served, upload
from tests.support.workers import run_burst

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ladder(bunny, library_keys, clip, settings):
    """A 640x360 video encoded as 240p and 360p, with MP4 fallbacks."""
    settings.ENCODER_PRESET = "ultrafast"
    library = library_keys.library
    library.enabled_resolutions, library.mp4_fallback = "240p,360p", True
    library.save()
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("outputs.mp4", size="640x360", duration=4))
    run_burst()
    assert bunny.get(f"/library/{library_keys.id}/videos/{guid}").json()["availableResolutions"] == "240p,360p"
    return guid


def packets(path) -> list[str]:
    """The video packets' checksums: equal lists mean the same encode, however it is muxed."""
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v", "-c", "copy", "-f", "framemd5", "-"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return [line.rsplit(",", 1)[-1].strip() for line in result.stdout.splitlines() if not line.startswith("#")]


@pytest.mark.workers
def test_cleanup_deletes_a_resolution_and_the_video_follows(bunny, library_keys, ladder, client):
    base = f"/library/{library_keys.id}/videos/{ladder}"
    before = Video.objects.get(guid=ladder)
    folder = f"{before.outputs_prefix}/240p"
    # a dry run says what would go and changes nothing
    dry = bunny.post(f"{base}/resolutions/cleanup?resolutionsToDelete=240p&dryRun=true").json()
    assert dry["success"] and dry["message"].startswith("Would delete resolutions 240p")
    assert list_files(folder)
    # deleting every resolution is refused
    refused = bunny.post(f"{base}/resolutions/cleanup?resolutionsToDelete=240p,360p")
    assert refused.status_code == 400 and refused.json()["success"] is False

    response = bunny.post(f"{base}/resolutions/cleanup?resolutionsToDelete=240p")
    assert response.status_code == 200 and response.json()["message"].startswith("Deleted resolutions 240p")
    run_burst()  # the deletions run after commit

    video = bunny.get(base).json()
    assert video["availableResolutions"] == "360p" and video["storageSize"] < before.storage_size
    assert not list_files(folder) and not exists(f"{before.outputs_prefix}/play_240p.mp4")
    master = served(client, ladder, "playlist.m3u8").decode()
    assert "240p/" not in master and "360p/video.m3u8" in master
    info = bunny.get(f"{base}/resolutions").json()["data"]
    assert info["availableResolutions"] == ["360p"] and [m["resolution"] for m in info["mp4Resolutions"]] == ["360p"]


@pytest.mark.workers
def test_cleanup_of_mp4_files_and_the_original(bunny, library_keys, ladder):
    base = f"/library/{library_keys.id}/videos/{ladder}"
    original = Video.objects.get(guid=ladder).original_name
    assert bunny.post(f"{base}/resolutions/cleanup?deleteMp4Files=true&deleteOriginal=true").status_code == 200
    run_burst()
    video = bunny.get(base).json()
    assert video["hasMP4Fallback"] is False and video["hasOriginal"] is False
    assert video["availableResolutions"] == "240p,360p" and not exists(original)
    assert bunny.post(f"{base}/reencode").status_code == 400  # nothing left to encode from


@pytest.mark.workers
def test_repackage_remuxes_without_reencoding(bunny, library_keys, ladder, client):
    base = f"/library/{library_keys.id}/videos/{ladder}"
    before = Video.objects.get(guid=ladder)
    old_packets = packets(output_path(ladder, "360p/video.m3u8"))

    response = bunny.post(f"{base}/repackage?keepOriginalFiles=false")
    assert response.status_code == 200 and response.json()["guid"] == ladder
    run_burst()

    after = Video.objects.get(guid=ladder)
    assert after.outputs_prefix != before.outputs_prefix and after.available_resolutions == "240p,360p"
    assert packets(output_path(ladder, "360p/video.m3u8")) == old_packets  # the same encode, muxed again
    assert served(client, ladder, "playlist.m3u8").startswith(b"#EXTM3U")
    assert served(client, ladder, "thumbnail.jpg")
    storage = bunny.get(f"{base}/storage").json()["data"]
    assert set(storage["encoded"]) == {"x264_240p", "x264_360p"} and storage["mp4Fallback"] > 0
    # keepOriginalFiles=false: the previous set goes after the grace period (a scheduled job)
    assert list_files(before.outputs_prefix)


def test_repackage_without_outputs_is_refused(bunny, library_keys):
    guid = create_video(bunny, library_keys.id)
    response = bunny.post(f"/library/{library_keys.id}/videos/{guid}/repackage")
    assert response.status_code == 400 and response.json()["statusCode"] == 400


@pytest.mark.workers
def test_repackage_of_an_encrypting_library_is_refused(bunny, library_keys, ladder):
    library = library_keys.library
    library.encrypt_hls = True
    library.save()
    response = bunny.post(f"/library/{library_keys.id}/videos/{ladder}/repackage")
    assert response.status_code == 400 and "Encrypted" in response.json()["message"]
    assert bunny.put(f"/library/{library_keys.id}/videos/{ladder}/outputs/vp9").status_code == 400


@pytest.mark.workers
def test_adding_an_output_codec_encodes_it_beside_x264(bunny, library_keys, ladder, client):
    base = f"/library/{library_keys.id}/videos/{ladder}"
    assert bunny.put(f"{base}/outputs/9").status_code == 400
    response = bunny.put(f"{base}/outputs/1")
    assert response.status_code == 200 and response.json()["status"] in (1, 2, 3)
    run_burst()
    video = bunny.get(base).json()
    assert video["status"] == 4 and video["outputCodecs"] == "x264,vp9"
    master = served(client, ladder, "playlist.m3u8").decode()
    assert master.count("vp09.") == 2 and master.count("avc1.") == 2
    encoded = bunny.get(f"{base}/storage").json()["data"]["encoded"]
    assert set(encoded) == {"x264_240p", "x264_360p", "vp9_240p", "vp9_360p"}
    # a plain reencode keeps the codec the video was given
    bunny.post(f"{base}/reencode")
    run_burst()
    assert bunny.get(base).json()["outputCodecs"] == "x264,vp9"


def test_upload_refuses_an_unknown_output_codec(bunny, library_keys):
    guid = create_video(bunny, library_keys.id)
    response = bunny.put(
        f"/library/{library_keys.id}/videos/{guid}?enabledOutputCodecs=x264,h266",
        data=b"x",
        content_type="application/octet-stream",
    )
    assert response.status_code == 400 and "h266" in response.json()["message"]


@pytest.mark.workers
def test_play_data_is_public_unless_the_library_signs_its_urls(client, bunny, library_keys, ladder):
    path = f"/library/{library_keys.id}/videos/{ladder}/play"
    data = client.get(path).json()
    assert data["videoPlaylistUrl"].endswith(f"/{ladder}/playlist.m3u8") and data["isPlaylistPlayable"] is True
    assert data["fallbackUrl"].endswith("/play_360p.mp4") and data["seekPath"].endswith("/storyboard.vtt")
    assert data["tokenAuthEnabled"] is False and data["video"]["guid"] == ladder

    library = library_keys.library
    library.sign_key_requests = True
    library.save()
    video = Video.objects.get(guid=ladder)
    assert client.get(path).status_code == 401
    assert client.get(path, {"token": "x", "expires": "9999999999"}).status_code == 401
    assert client.get(path, signed_play_params(video, ttl=-10)).status_code == 401  # expired
    signed = client.get(path, signed_play_params(video))
    assert signed.status_code == 200 and signed.json()["tokenAuthEnabled"] is True
    assert bunny.get(path).status_code == 200  # the library's own key
    assert client.get(f"/embed/{library_keys.id}/{ladder}").status_code == 403
    assert client.get(f"/embed/{library_keys.id}/{ladder}", signed_play_params(video)).status_code == 200

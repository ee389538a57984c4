"""The bunny path a client walks: create → upload → poll → play."""

from __future__ import annotations

import pytest

from media_platform.models import EncodingProcess
from tests.support.workers import run_burst

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers]


def create_video(bunny, library_id: int, title: str = "Clip") -> str:
    response = bunny.post(f"/library/{library_id}/videos", {"title": title}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["guid"]


def upload(bunny, library_id: int, guid: str, path) -> None:
    response = bunny.put(
        f"/library/{library_id}/videos/{guid}", data=path.read_bytes(), content_type="application/octet-stream"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"success": True, "message": "OK", "statusCode": 200}


def test_upload_becomes_a_playable_ladder(bunny, library_keys, clip, client):
    # given a 640x360 clip uploaded with a bunny client
    source = clip("ladder.mp4", size="640x360", duration=3)
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, source)
    queued = bunny.get(f"/library/{library_keys.id}/videos/{guid}").json()
    assert queued["status"] == 1 and queued["hasOriginal"] is True and len(queued["originalHash"]) == 64

    # when a worker runs the queued work
    run_burst()

    # then the video is finished with every rendition the source allows, and it plays
    video = bunny.get(f"/library/{library_keys.id}/videos/{guid}").json()
    assert video["status"] == 4, video["transcodingMessages"]
    assert video["encodeProgress"] == 100
    assert video["availableResolutions"] == "240p,360p"
    assert (video["width"], video["height"], video["length"]) == (640, 360, 3)
    assert video["framerate"] == 25
    playlist = client.get(f"/{guid}/playlist.m3u8")
    assert playlist.status_code == 200
    text = b"".join(playlist.streaming_content).decode()
    assert "RESOLUTION=640x360" in text and "360p/video.m3u8" in text and "240p/video.m3u8" in text
    assert client.get(f"/{guid}/thumbnail.jpg").status_code == 200
    assert EncodingProcess.objects.get(video__guid=guid).status == "FINISHED"

"""Fast start without JIT: an H.264 upload plays its own streams within seconds; any other one
plays its lowest rendition before the rest of the ladder is done. What plays when, as bunny's
fields and webhooks say it."""

from __future__ import annotations

import json

import pytest

from media_platform.models import PlaybackPlan, Video
from tests.support.bunny import get_video
from tests.support.media import decodes, make_clip
from tests.support.workers import run_burst

from .conftest import GOP, StatusWatch, body, media_segments, packets

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers, pytest.mark.ffmpeg]


@pytest.fixture
def fast_start(settings, library_keys, receiver):
    settings.FAST_START = True
    library_keys.library.webhook_url = f"{receiver.url}/hook"
    library_keys.library.save()
    return receiver


def statuses(receiver, count: int) -> list[int]:
    run_burst(["webhooks"])
    return [json.loads(r.body)["Status"] for r in receiver.wait_for(count)]


def test_an_h264_upload_plays_its_own_streams_until_the_ladder_is_done(
    bunny, library_keys, client, clip, jit_upload, fast_start, tmp_path
):
    guid = jit_upload(clip("copy-ten.mp4", size="640x360", duration=10, extra=GOP), "")

    video = get_video(bunny, library_keys.id, guid)
    assert (video["status"], video["availableResolutions"], video["encodeProgress"]) == (3, "360p", 0)
    assert statuses(fast_start, 2) == [0, 4]
    assert media_segments(body(client.get(f"/{guid}/playlist.m3u8")).decode()) == ["source/video.m3u8"]
    names = media_segments(body(client.get(f"/{guid}/source/video.m3u8")).decode())
    assert names == ["video0.ts", "video1.ts", "video2.ts"]  # on the source's own keyframes, 4 s apart
    frames = []
    for number in range(3):
        response = client.get(f"/{guid}/source/video{number}.ts")
        assert response.status_code == 200
        (tmp_path / f"{number}.ts").write_bytes(body(response))
        assert decodes(tmp_path / f"{number}.ts")
        frames += packets(tmp_path / f"{number}.ts")
    assert len(frames) == 250 and frames == sorted(set(frames))  # remuxed: every frame once

    with StatusWatch(guid) as watch:
        run_burst()
    assert [status for status, _ in watch.seen] == [3, 4]  # no step back to 2 when the worker starts
    video = get_video(bunny, library_keys.id, guid)
    assert (video["status"], video["availableResolutions"]) == (4, "240p,360p")
    assert statuses(fast_start, 5) == [0, 4, 1, 2, 3]
    assert PlaybackPlan.objects.get(video__guid=guid).status == "retired"
    # a player that loaded the copy's playlist still gets its segments from it for a while
    assert client.get(f"/{guid}/source/video2.ts").status_code == 200


def test_any_other_upload_plays_its_lowest_rendition_first(bunny, library_keys, client, fast_start, tmp_path):
    source = make_clip(tmp_path / "mpeg2.mpg", size="640x360", duration=6, extra=["-c:v", "mpeg2video", "-c:a", "mp2"])
    guid = bunny.post(f"/library/{library_keys.id}/videos", {"title": "m"}, format="json").json()["guid"]
    response = bunny.put(
        f"/library/{library_keys.id}/videos/{guid}", data=source.read_bytes(), content_type="application/octet-stream"
    )
    assert response.status_code == 200
    assert get_video(bunny, library_keys.id, guid)["status"] == 1  # nothing a browser plays yet

    first = {}

    def first_rendition_seen(watch: StatusWatch) -> None:
        if (3, "240p") in watch.seen and not first:
            first["segment"] = body(client.get(f"/{guid}/240p/video0.ts"))
            first["master"] = body(client.get(f"/{guid}/playlist.m3u8")).decode()

    with StatusWatch(guid, on_change=first_rendition_seen) as watch:
        run_burst()
    assert watch.seen == [(1, ""), (2, ""), (3, ""), (3, "240p"), (4, "240p,360p")]
    assert media_segments(first["master"]) == ["240p/video.m3u8"]
    assert statuses(fast_start, 5) == [0, 1, 2, 4, 3]
    final = Video.objects.get(guid=guid)
    assert final.outputs_prefix.endswith(final.processes.get().public_id)
    assert media_segments(body(client.get(f"/{guid}/playlist.m3u8")).decode()) == [
        "360p/video.m3u8",
        "240p/video.m3u8",
    ]
    assert body(client.get(f"/{guid}/240p/video0.ts")) == first["segment"]  # carried over, not encoded again

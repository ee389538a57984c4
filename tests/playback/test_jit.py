"""JIT encoding through the real platform: playlists right after the upload, each segment encoded
on its first request and streamed, then the ladder takes over under the same names."""

from __future__ import annotations

import json
import threading
import time

import pytest
from django.test import Client

from media_platform.models import PlaybackPlan, TranscodingMessage, Video
from media_platform.services.jit import demand, limits, runs
from media_platform.storage import exists
from tests.support.bunny import create_video, get_video, upload_bytes
from tests.support.media import decodes
from tests.support.workers import run_burst

from .conftest import GOP, StatusWatch, body, media_segments, packets

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers, pytest.mark.ffmpeg]


def fetch(client, guid: str, name: str, folder) -> tuple[int, bytes]:
    response = client.get(f"/{guid}/{name}")
    data = body(response)
    if response.status_code == 200 and name.endswith(".ts"):
        (folder / name.replace("/", "-")).write_bytes(data)
    return response.status_code, data


def test_an_upload_plays_from_jit_segments_then_from_its_ladder_under_the_same_names(
    bunny, library_keys, clip, client, receiver, jit_upload, tmp_path
):
    library_keys.library.webhook_url = f"{receiver.url}/hook"
    library_keys.library.save()
    guid = jit_upload(clip("jit-ten.mp4", size="640x360", duration=10, extra=GOP))

    # right after the PUT: playlists of every rendition, segments not encoded yet
    video = get_video(bunny, library_keys.id, guid)
    assert (video["status"], video["availableResolutions"], video["jitEncodingEnabled"]) == (8, "240p,360p", True)
    master = body(client.get(f"/{guid}/playlist.m3u8")).decode()
    assert media_segments(master) == ["240p/video.m3u8", "360p/video.m3u8"]  # the quickest first
    media = body(client.get(f"/{guid}/240p/video.m3u8")).decode()
    assert media_segments(media) == ["video0.ts", "video1.ts", "video2.ts"] and "#EXT-X-ENDLIST" in media
    run_burst(["webhooks"])
    assert [json.loads(r.body)["Status"] for r in receiver.wait_for(3)] == [0, 4, 4]
    plan = PlaybackPlan.objects.get(video__guid=guid)
    assert not exists(f"{plan.prefix}/240p/video0.ts")

    # each segment encoded on its first request, then stored
    jit = {}
    for rendition in ("240p", "360p"):
        for number in range(3):
            name = f"{rendition}/video{number}.ts"
            status, jit[name] = fetch(client, guid, name, tmp_path)
            assert status == 200 and decodes(tmp_path / name.replace("/", "-")), name
            assert exists(f"{plan.prefix}/{name}")
    joined = [pts for n in range(3) for pts in packets(tmp_path / f"240p-video{n}.ts")]
    assert abs(len(joined) - 250) <= 1 and joined == sorted(set(joined))  # every frame once, in order
    firsts = {r: [packets(tmp_path / f"{r}-video{n}.ts")[0] for n in range(3)] for r in ("240p", "360p")}
    assert firsts["240p"] == firsts["360p"]  # the same boundaries in every rendition

    # the ladder, encoded in the background: status 8 until it is published, then Finished
    with StatusWatch(guid) as watch:
        run_burst()
    assert [status for status, _ in watch.seen] == [8, 4]
    assert [json.loads(r.body)["Status"] for r in receiver.wait_for(6)] == [0, 4, 4, 1, 2, 3]
    assert PlaybackPlan.objects.get(pk=plan.pk).status == "retired"
    ladder = Video.objects.get(guid=guid).outputs_prefix
    assert ladder != plan.prefix
    for name, data in jit.items():  # the ladder's segment of each name holds the same frames, same times
        status, theirs = fetch(client, guid, name, tmp_path / "..")
        (tmp_path / "ladder.ts").write_bytes(theirs)
        (tmp_path / "jit.ts").write_bytes(data)
        assert status == 200 and packets(tmp_path / "ladder.ts") == packets(tmp_path / "jit.ts"), name


def test_parallel_requests_for_one_segment_run_one_encode(clip, jit_upload, monkeypatch):
    guid = jit_upload(clip("jit-parallel.mp4", size="640x360", duration=6, extra=GOP))
    started = []
    original = runs.SegmentRun.start
    monkeypatch.setattr(runs.SegmentRun, "start", lambda run: started.append(run) or original(run))
    results: list[tuple[int, bytes]] = []
    barrier = threading.Barrier(3)

    def get() -> None:
        barrier.wait()
        response = Client().get(f"/{guid}/360p/video1.ts")
        results.append((response.status_code, body(response)))

    threads = [threading.Thread(target=get) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert [status for status, _ in results] == [200, 200, 200]
    assert len({data for _, data in results}) == 1 and len(results[0][1]) > 10_000
    assert len(started) == 1 and started[0].numbers == [1]  # one run: 6 s has two segments
    started[0].finished.wait(30)
    assert limits.running_encodes() == 0


def test_an_index_past_the_end_and_unplanned_names_start_nothing(client, clip, jit_upload, monkeypatch):
    guid = jit_upload(clip("jit-names.mp4", size="640x360", duration=6, extra=GOP))
    monkeypatch.setattr(demand, "start", lambda *args: pytest.fail("no encode may start"))
    for name in ("240p/video2.ts", "240p/video99.ts", "1080p/video0.ts", "240p/video01.ts", "240p/video-1.ts"):
        assert client.get(f"/{guid}/{name}").status_code == 404, name
    assert client.get("/00000000-0000-0000-0000-000000000000/240p/video0.ts").status_code == 404


def test_the_caps_answer_503_without_starting_work(client, clip, jit_upload, settings, monkeypatch):
    guid = jit_upload(clip("jit-caps.mp4", size="640x360", duration=6, extra=GOP))
    video = Video.objects.get(guid=guid)
    plan = PlaybackPlan.objects.get(video=video)
    settings.JIT_MAX_ENCODES, settings.JIT_MAX_ENCODES_PER_VIDEO = 2, 1
    started = []
    original = runs.SegmentRun.start
    monkeypatch.setattr(runs.SegmentRun, "start", lambda run: started.append(run) or original(run))

    held = limits.slot_take(video_id=video.pk)  # this video's one encode is running elsewhere
    response = client.get(f"/{guid}/240p/video0.ts")
    assert (response.status_code, response["Retry-After"]) == (503, "2")
    assert started == [] and limits.claimed_by(plan.pk, "240p", 0) is None
    held.release()

    others = [limits.slot_take(video_id=video.pk + 1000 + i) for i in range(2)]  # the whole machine is busy
    assert client.get(f"/{guid}/240p/video0.ts").status_code == 503
    assert started == [] and not exists(f"{plan.prefix}/240p/video0.ts")
    for slot in others:
        slot.release()

    monkeypatch.setattr(limits, "SLOT_TTL", 1)  # a process that died holding a slot frees it
    limits.slot_take(video_id=video.pk)
    time.sleep(1.2)
    response = client.get(f"/{guid}/240p/video0.ts")
    assert response.status_code == 200 and len(body(response)) > 10_000 and len(started) == 1


def test_a_segment_someone_else_is_encoding_is_waited_for_then_503(client, clip, jit_upload, settings, monkeypatch):
    guid = jit_upload(clip("jit-wait.mp4", size="640x360", duration=6, extra=GOP))
    plan = PlaybackPlan.objects.get(video__guid=guid)
    settings.JIT_WAIT_SECONDS = 0.5
    assert limits.claim(plan.pk, "240p", 0, "another-process")
    monkeypatch.setattr(runs.SegmentRun, "start", lambda run: pytest.fail("no second encode"))
    response = client.get(f"/{guid}/240p/video0.ts")
    assert response.status_code == 503 and response["Retry-After"] == "2"


def test_a_jit_incompatible_source_goes_the_normal_way(bunny, library_keys, client, clip, jit_upload, settings):
    settings.JIT_MAX_KEYFRAME_GAP = 3.0
    guid = jit_upload(clip("jit-sparse.mp4", size="640x360", duration=6, extra=["-g", "150"]))

    video = get_video(bunny, library_keys.id, guid)
    assert video["status"] == 1 and video["availableResolutions"] is None
    (message,) = video["transcodingMessages"]
    assert (message["issueCode"], message["level"]) == (9, 2) and "6.0 s apart" in message["message"]
    assert not PlaybackPlan.objects.exists()
    run_burst()
    video = get_video(bunny, library_keys.id, guid)
    assert (video["status"], video["availableResolutions"]) == (4, "240p,360p")


def test_a_failed_jit_encode_answers_500_and_the_ladder_still_finishes(bunny, library_keys, client, clip, jit_upload):
    guid = jit_upload(clip("jit-broken.mp4", size="640x360", duration=6, extra=GOP))
    # the original as the web process would find it: gone from under the plan
    PlaybackPlan.objects.filter(video__guid=guid).update(source_name=f"originals/missing/{guid}")

    first = client.get(f"/{guid}/240p/video0.ts")
    assert first.status_code == 500 and b"could not be encoded" in first.content
    assert client.get(f"/{guid}/240p/video0.ts").status_code == 500  # not tried again at once
    (message,) = TranscodingMessage.objects.filter(video__guid=guid, issue_code=10)
    assert message.level == 2 and "240p" in message.message
    assert get_video(bunny, library_keys.id, guid)["status"] == 8  # the plan stays

    run_burst()
    assert get_video(bunny, library_keys.id, guid)["status"] == 4
    assert client.get(f"/{guid}/240p/video0.ts").status_code == 200  # from the ladder


def test_jit_enabled_overrides_the_library_and_is_checked(bunny, library_keys, clip, jit_upload):
    library_keys.library.jit_encoding_enabled = True
    library_keys.library.save()
    source = clip("jit-flag.mp4", size="640x360", duration=2, extra=GOP)

    assert get_video(bunny, library_keys.id, jit_upload(source, ""))["status"] == 8
    off = get_video(bunny, library_keys.id, jit_upload(source, "?jitEnabled=false"))
    assert (off["status"], off["jitEncodingEnabled"]) == (1, False)
    guid = create_video(bunny, library_keys.id)
    refused = upload_bytes(bunny, library_keys.id, f"{guid}?jitEnabled=maybe", b"x")
    assert refused.status_code == 400 and refused.json()["success"] is False


def test_a_chunked_ladder_hands_over_with_the_same_segments(client, clip, jit_upload, settings, tmp_path):
    """Long uploads get their ladder in pieces, each an exact span of the timeline: its segments
    are the JIT segments' frames at the same timestamps, joins included."""
    settings.CHUNKED_ENCODING, settings.CHUNK_MIN_DURATION, settings.CHUNK_SECONDS = True, 6, 4
    # 29.97 fps: frames miss whole seconds, so every join is off the grid by a part of a frame
    guid = jit_upload(clip("jit-chunked.mp4", size="640x360", duration=12, rate=30000 / 1001, extra=["-g", "60"]))
    jit = {n: body(client.get(f"/{guid}/360p/video{n}.ts")) for n in range(3)}
    run_burst()
    video = Video.objects.get(guid=guid)
    assert video.status == 4 and video.processes.get().chunks.count() == 4  # three pieces and the sound
    for number, data in jit.items():
        (tmp_path / "jit.ts").write_bytes(data)
        (tmp_path / "ladder.ts").write_bytes(body(client.get(f"/{guid}/360p/video{number}.ts")))
        assert packets(tmp_path / "ladder.ts") == packets(tmp_path / "jit.ts"), number


def test_a_url_import_is_planned_by_its_fetch_job(bunny, library_keys, clip, receiver):
    library_keys.library.jit_encoding_enabled = True
    library_keys.library.save()
    receiver.files["/source.mp4"] = clip("jit-fetched.mp4", size="640x360", duration=6, extra=GOP)
    response = bunny.post(
        f"/library/{library_keys.id}/videos/fetch", {"url": f"{receiver.url}/source.mp4"}, format="json"
    )
    guid = response.json()["id"]
    run_burst(["default"], max_jobs=1)  # the fetch job alone, no worker for the ladder yet
    video = get_video(bunny, library_keys.id, guid)
    assert (video["status"], video["availableResolutions"], video["jitEncodingEnabled"]) == (8, "240p,360p", True)


def test_a_served_segment_starts_the_next_ones_unless_the_caps_are_reached(client, clip, jit_upload, settings):
    guid = jit_upload(clip("jit-prefetch.mp4", size="640x360", duration=18, extra=GOP))  # segments 0-4
    plan = PlaybackPlan.objects.get(video__guid=guid)
    assert client.get(f"/{guid}/240p/video0.ts").status_code == 200  # a run for 0, 1 and 2
    wait_stored(plan, "240p", [0, 1, 2])

    settings.JIT_MAX_ENCODES = 0  # no room: serving a stored segment is never refused, nothing starts
    assert client.get(f"/{guid}/240p/video2.ts").status_code == 200
    time.sleep(1)
    assert limits.claimed_by(plan.pk, "240p", 3) is None and not exists(f"{plan.prefix}/240p/video3.ts")

    settings.JIT_MAX_ENCODES = 4
    assert client.get(f"/{guid}/240p/video2.ts").status_code == 200  # the player nears 3: 3 and 4 are made
    wait_stored(plan, "240p", [3, 4])


def wait_stored(plan, rendition: str, numbers: list[int], timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while not all(exists(f"{plan.prefix}/{rendition}/video{n}.ts") for n in numbers):
        assert time.time() < deadline, f"{numbers} not stored"
        time.sleep(0.1)


def test_an_audio_only_upload_is_jit_incompatible(bunny, library_keys, jit_upload, tmp_path):
    from tests.support.media import make_clip

    guid = jit_upload(make_clip(tmp_path / "sound.m4a", video=False, duration=3))
    (message,) = get_video(bunny, library_keys.id, guid)["transcodingMessages"]
    assert message["issueCode"] == 9 and "no video" in message["message"]

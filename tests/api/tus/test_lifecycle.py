"""An upload's life around the bytes: into the pipeline like a PUT, webhooks 6/7/8, bytes kept
across a broken connection, expiry and the periodic clean-up, a lost finishing job."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import django_rq
import pytest
from django.conf import settings
from django.utils import timezone

from media_platform.jobs.uploads import sweep_tus_uploads
from media_platform.models import TusUpload, Video
from media_platform.services.uploads import tus_upload_append
from tests.environment import start_redis_again, stop_redis
from tests.support.bunny import get_video
from tests.support.tus import sha256_of
from tests.support.workers import run_burst

pytestmark = [pytest.mark.ffmpeg, pytest.mark.servers, pytest.mark.workers, pytest.mark.django_db(transaction=True)]


def upload_row(location: str) -> TusUpload:
    return TusUpload.objects.get(pk=location.rsplit("/", 1)[-1])


def test_a_finished_upload_is_encoded_and_webhooks_mark_its_life(tus, bunny, library_keys, clip, receiver):
    library_keys.library.webhook_url = f"{receiver.url}/hook"
    library_keys.library.save()
    source = clip("tus-ladder.mp4", size="320x180", duration=2).read_bytes()

    location = tus.start(len(source), metadata={"filetype": "video/mp4", "title": "Over tus"})
    half = len(source) // 2
    assert tus.patch(location, source[:half], 0).status_code == 204
    assert tus.patch(location, source[half:], half).status_code == 204
    run_burst()

    video = get_video(bunny, library_keys.id, tus.guid)
    assert video["status"] == 4, video["transcodingMessages"]
    assert video["title"] == "Over tus" and video["originalHash"] == sha256_of(source)
    assert video["availableResolutions"] == "180p" and video["width"] == 320
    statuses = [json.loads(r.body)["Status"] for r in receiver.wait_for(6)]
    assert statuses == [6, 7, 0, 1, 2, 3]  # started, finished, then the encode's own


def test_the_request_with_the_last_byte_finishes_the_upload_without_a_worker(tus, client, clip, settings):
    settings.FAST_START = True
    source = clip("tus-here.mp4", size="320x180", duration=2).read_bytes()
    location = tus.start(len(source))

    # when the last byte arrives, and no worker runs
    assert tus.patch(location, source, 0).status_code == 204

    # then the upload is the video's original, its encode is queued, and it plays (fast start)
    assert upload_row(location).state == "stored"
    video = Video.objects.get(guid=tus.guid)
    assert video.original_hash == sha256_of(source) and video.processes.count() == 1
    assert client.get(f"/{tus.guid}/playlist.m3u8").status_code == 200

    # and the finishing job, sent at the last byte as the fallback, finds it done
    run_burst()
    video.refresh_from_db()
    assert video.status == 4 and video.processes.count() == 1


def test_a_broken_body_keeps_what_arrived_and_the_client_resumes(tus, payload):
    location = tus.start(len(payload))
    upload = upload_row(location)

    # when the connection drops after 2.5 MB of a 3 MB body
    class Dropped(io.BytesIO):
        def read(self, size=-1):
            if self.tell() >= 2_500_000:
                raise OSError("connection reset by peer")
            return super().read(min(size, 2_500_000 - self.tell()))

    offset = tus_upload_append(upload=upload, offset=0, stream=Dropped(payload), body_length=len(payload))

    # then what arrived counts, and the client sends the rest from there
    assert offset == 2_500_000 and tus.head(location)["Upload-Offset"] == "2500000"
    assert tus.patch(location, payload[offset:], offset).status_code == 204
    run_burst(["default"])
    assert Video.objects.get(guid=tus.guid).original_hash == sha256_of(payload)


def test_an_abandoned_upload_expires_and_its_bytes_go(tus, bunny, library_keys, payload, receiver):
    library_keys.library.webhook_url = f"{receiver.url}/hook"
    library_keys.library.save()
    location = tus.start(len(payload))
    tus.patch(location, payload[:1000], 0)
    upload = upload_row(location)
    part = Path(settings.MEDIA_ROOT) / f"{upload.target_name}.part"
    assert part.exists()

    # when nothing comes until it expires
    TusUpload.objects.filter(pk=upload.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tus.head(location).status_code == 410
    assert tus.patch(location, payload[1000:2000], 1000).status_code == 410

    # then the periodic clean-up removes its bytes and tells why
    assert sweep_tus_uploads()["expired"] == 1
    run_burst()
    assert not part.exists()
    video = get_video(bunny, library_keys.id, tus.guid)
    assert video["status"] == 6  # UploadFailed
    assert "abandoned" in video["transcodingMessages"][0]["message"]
    assert [json.loads(r.body)["Status"] for r in receiver.wait_for(2)] == [6, 8]
    assert tus.head(location).status_code == 410

    # and one more period later the record itself goes
    TusUpload.objects.filter(pk=upload.pk).update(updated_at=timezone.now() - timedelta(days=2))
    assert sweep_tus_uploads()["forgotten"] == 1
    assert tus.head(location).status_code == 404


def test_a_complete_upload_whose_job_was_lost_is_finished_by_the_sweep(tus, payload, settings):
    settings.TUS_FINISH_IN_WEB = False  # as if the web process had stopped before it could finish
    location = tus.start(len(payload))
    tus.patch(location, payload, 0)
    django_rq.get_connection("default").flushdb()  # Redis lost the finishing job
    assert sweep_tus_uploads()["restarted"] == 0  # not yet: it may still be running
    TusUpload.objects.filter(pk=upload_row(location).pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    assert sweep_tus_uploads()["restarted"] == 1
    run_burst(["default"])
    run_burst(["default"])  # a second run finds it stored and does nothing
    video = Video.objects.get(guid=tus.guid)
    assert video.original_hash == sha256_of(payload) and video.processes.count() == 1


def test_bytes_removed_behind_the_uploads_back_fail_it_with_a_reason(tus, bunny, library_keys, payload, settings):
    settings.TUS_FINISH_IN_WEB = False  # a worker finishes it, after the bytes went
    location = tus.start(len(payload))
    tus.patch(location, payload, 0)
    (Path(settings.MEDIA_ROOT) / f"{upload_row(location).target_name}.part").unlink()
    run_burst(["default"])
    assert upload_row(location).state == "failed"
    video = get_video(bunny, library_keys.id, tus.guid)
    assert video["status"] == 6 and "could not be put together" in video["transcodingMessages"][0]["message"]


def test_a_new_upload_replaces_the_original_like_a_put(tus, payload):
    first = tus.start(len(payload))
    tus.patch(first, payload, 0)
    run_burst(["default"])
    replacement = payload[::-1]
    second = tus.start(len(replacement))
    tus.patch(second, replacement, 0)
    run_burst(["default", "low"])
    video = Video.objects.get(guid=tus.guid)
    assert video.original_hash == sha256_of(replacement)
    assert (Path(settings.MEDIA_ROOT) / video.original_name).read_bytes() == replacement
    originals = [p for p in (Path(settings.MEDIA_ROOT) / Path(video.original_name).parent).iterdir()]
    assert originals == [Path(settings.MEDIA_ROOT) / video.original_name]  # the first one was removed


def test_redis_down_at_the_last_byte_still_completes_the_upload(tus, payload):
    location = tus.start(len(payload))
    stop_redis()
    try:
        last = tus.patch(location, payload, 0)
    finally:
        start_redis_again()
    assert last.status_code == 204 and last["Upload-Offset"] == str(len(payload))
    upload = upload_row(location)
    assert upload.state == "complete"
    TusUpload.objects.filter(pk=upload.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    sweep_tus_uploads()
    run_burst(["default"])
    assert Video.objects.get(guid=tus.guid).original_hash == sha256_of(payload)

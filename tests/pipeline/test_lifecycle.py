"""Status, progress, webhooks and reencodes, as a bunny client watches them."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from django.conf import settings

from media_platform.models import EncodingProcess, Video, WebhookDelivery
from media_platform.webhooks.signing import body_signature, verify_timestamped
from tests.support.bunny import create_video, get_video, served, upload
from tests.support.workers import run_burst, subprocess_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers]


def test_webhooks_follow_every_status_change_signed_and_once(bunny, library_keys, clip, receiver):
    library_keys.library.webhook_url = f"{receiver.url}/hook"
    library_keys.library.save()
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("hooked.mp4", duration=1))
    run_burst()
    run_burst()  # a second pass must not send anything twice
    received = receiver.wait_for(4)
    payloads = [json.loads(r.body) for r in received]
    assert [p["Status"] for p in payloads] == [0, 1, 2, 3]
    assert all(p == {"VideoLibraryId": library_keys.id, "VideoGuid": guid, "Status": p["Status"]} for p in payloads)
    first = received[0]
    assert first.headers["X-BunnyStream-Signature"] == body_signature(library_keys.read_only_key, first.body)
    assert verify_timestamped(library_keys.read_only_key, first.body, first.headers["X-Webhook-Signature"])
    assert WebhookDelivery.objects.filter(state="delivered").count() == 4


def test_a_failing_receiver_is_retried_with_backoff_and_logged(bunny, library_keys, clip, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.statuses = [500, 500]  # the first delivery fails twice, then succeeds
    library_keys.library.webhook_url = f"{receiver.url}/hook"
    library_keys.library.save()
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("retried.mp4", duration=1))
    deadline = time.time() + 30
    while WebhookDelivery.objects.exclude(state="delivered").exists() and time.time() < deadline:
        run_burst(with_scheduler=True)
        time.sleep(0.3)
    statuses = [json.loads(r.body)["Status"] for r in receiver.received]
    assert statuses == [0, 0, 0, 1, 2, 3]  # in order: later ones waited for the first
    first = WebhookDelivery.objects.order_by("id").first()
    assert first.attempts == 3 and [a.status_code for a in first.attempt_log.all()] == [500, 500, 200]


def poll_worker(process: subprocess.Popen, guid: str, client) -> list[tuple[int, int]]:
    """(status code of the master playlist, encodeProgress) seen while the worker runs."""
    seen = []
    while process.poll() is None:
        video = Video.objects.get(guid=guid)
        seen.append((client.get(f"/{guid}/playlist.m3u8").status_code, video.encode_progress))
        time.sleep(0.05)
    return seen


def start_worker() -> subprocess.Popen:
    command = [sys.executable, "manage.py", "rqworker", "high", "default", "low", "--burst"]
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=subprocess_env(), stdout=subprocess.DEVNULL)


def test_reencode_serves_the_old_ladder_until_the_new_one_is_complete(bunny, library_keys, clip, client):
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("reencode.mp4", size="1280x720", duration=4))
    run_burst()
    first_prefix = Video.objects.get(guid=guid).outputs_prefix
    old_master = served(client, guid, "playlist.m3u8")

    reencoded = bunny.post(f"/library/{library_keys.id}/videos/{guid}/reencode")
    assert reencoded.status_code == 200 and reencoded.json()["guid"] == guid
    worker = start_worker()
    seen = poll_worker(worker, guid, client)
    assert worker.wait() == 0

    assert seen and all(code == 200 for code, _ in seen), "the ladder was unavailable during the reencode"
    progress = [p for _, p in seen]
    assert progress == sorted(progress), "encodeProgress went backwards"
    video = Video.objects.get(guid=guid)
    assert video.status == 4 and video.encode_progress == 100 and video.outputs_prefix != first_prefix
    assert served(client, guid, "playlist.m3u8").count(b"#EXT-X-STREAM-INF") == old_master.count(b"#EXT-X-STREAM-INF")
    assert EncodingProcess.objects.filter(video=video, status="FINISHED").count() == 2


def test_fetch_from_a_url_downloads_and_encodes(bunny, library_keys, clip, receiver):
    receiver.files["/source.mp4"] = clip("fetched.mp4", duration=1)
    response = bunny.post(
        f"/library/{library_keys.id}/videos/fetch", {"url": f"{receiver.url}/source.mp4"}, format="json"
    )
    assert response.status_code == 200 and response.json()["success"] is True
    run_burst()
    video = get_video(bunny, library_keys.id, response.json()["id"])
    assert video["title"] == "source.mp4" and video["status"] == 4 and video["hasOriginal"] is True


def test_fetch_refuses_private_addresses(bunny, library_keys, settings):
    settings.SSRF_ALLOWLIST = []
    response = bunny.post(
        f"/library/{library_keys.id}/videos/fetch", {"url": "http://127.0.0.1:9/x.mp4"}, format="json"
    )
    run_burst()
    video = get_video(bunny, library_keys.id, response.json()["id"])
    assert video["status"] == 6
    assert "not allowed" in video["transcodingMessages"][0]["message"]

"""A worker killed with SIGKILL mid-encode costs time, never the video, and sends nothing twice."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from django.conf import settings

from media_platform.models import EncodingProcess, Video, WebhookDelivery
from media_platform.services.encoding import encoding_reconcile
from tests.support.bunny import create_video, get_video, output_path, served, upload
from tests.support.media import decodes
from tests.support.processes import kill_tree
from tests.support.workers import run_burst, subprocess_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def start_worker() -> subprocess.Popen:
    command = [sys.executable, "manage.py", "rqworker", "default", "--burst"]
    return subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=subprocess_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, "timed out"
        time.sleep(0.1)


def test_killed_worker_is_detected_rerun_and_ends_finished(bunny, library_keys, clip, client, receiver, settings):
    library_keys.library.webhook_url = f"{receiver.url}/hook"
    library_keys.library.save()
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("long.mp4", size="1280x720", duration=12, rate=30))

    worker = start_worker()
    wait_for(lambda: Video.objects.get(guid=guid).encode_progress >= 5)
    assert len(kill_tree(worker.pid)) >= 3  # the worker, its work horse and ffmpeg
    worker.wait()
    process = EncodingProcess.objects.get(video__guid=guid)
    assert process.status == "PROCESSING"  # as the dead worker left it
    assert client.get(f"/{guid}/playlist.m3u8").status_code == 404  # nothing half-written is visible

    # when the heartbeat has gone stale, the sweep requeues it and another worker runs it
    settings.PROCESS_HEARTBEAT_TIMEOUT = 1
    time.sleep(1.5)
    assert encoding_reconcile() == [process.public_id]
    run_burst()

    video = get_video(bunny, library_keys.id, guid)
    assert video["status"] == 4 and video["encodeProgress"] == 100
    assert video["availableResolutions"] == "240p,360p,480p,720p"
    assert decodes(output_path(guid, "720p/video.m3u8"))
    assert served(client, guid, "playlist.m3u8").startswith(b"#EXTM3U")
    process.refresh_from_db()
    assert process.attempts == 2
    statuses = [json.loads(r.body)["Status"] for r in receiver.wait_for(4)]
    assert statuses == [0, 1, 2, 3], "a status was sent twice or not at all"
    assert WebhookDelivery.objects.count() == 4

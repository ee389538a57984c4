"""Redis stopped and restarted empty while processes are queued and running: the database knows
every one, `reconcile` gives each its queue entry back, and every process ends Finished."""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter

import pytest

from media_platform.models import EncodingProcess, TranscodingMessage, Video, WebhookDelivery
from media_platform.services.pipeline import encoding_reconcile
from media_platform.services.webhooks import webhook_sweep
from tests.environment import start_redis_again, stop_redis
from tests.support.bunny import create_video, get_video, upload
from tests.support.chaos import rq_jobs_left, start_worker, wait_for
from tests.support.processes import kill_tree
from tests.support.workers import run_burst

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.workers]


@pytest.fixture(autouse=True)
def _redis_back_afterwards():
    """Whatever happens in the test, the next one finds this process's Redis running."""
    yield
    start_redis_again()


def test_redis_restarted_empty_loses_no_process(bunny, library_keys, clip, receiver, settings, scenario):
    # given three uploads queued, the library's webhooks going to a receiver
    library_keys.library.webhook_url = f"{receiver.url}/hook"
    library_keys.library.save()
    source = clip("redis-restart.mp4", size="960x540", duration=8)
    guids = [create_video(bunny, library_keys.id, f"v{n}") for n in range(3)]
    for guid in guids:
        upload(bunny, library_keys.id, guid, source)

    # when Redis dies while a worker is encoding the first one, and comes back empty
    worker = start_worker("default")
    wait_for(lambda: Video.objects.filter(guid__in=guids, encode_progress__gte=5).exists())
    running = EncodingProcess.objects.get(status="PROCESSING")
    stop_redis()
    try:
        worker.wait(timeout=60)  # it finishes its encode, then cannot report to RQ and exits
    except subprocess.TimeoutExpired:
        kill_tree(worker.pid)
        worker.wait()
    running.refresh_from_db()
    resumed = running.status == "FINISHED"
    start_redis_again()
    assert rq_jobs_left() == {}, "Redis came back with data"

    # then the sweeps requeue what the database says is unfinished, and a worker finishes it all
    settings.PROCESS_HEARTBEAT_TIMEOUT = 1
    time.sleep(1.5)
    requeued = encoding_reconcile()
    webhook_sweep()
    run_burst()
    run_burst()  # a second pass finds nothing to do twice

    processes = list(EncodingProcess.objects.all())
    finished = [p for p in processes if p.status == "FINISHED"]
    received = [json.loads(r.body) for r in receiver.wait_for(12)]
    sent = Counter((body["VideoGuid"], body["Status"]) for body in received)
    duplicates = sum(count - 1 for count in sent.values()) + len(finished) - len({p.video_id for p in finished})
    how = "finished by its worker while Redis was down" if resumed else "requeued"
    scenario.record(
        f"{len(finished)}/3 FINISHED; the running one {how}; {len(requeued)} requeued by reconcile",
        lost=len(processes) - len(finished),
        duplicates=duplicates,
    )
    assert len(finished) == 3 and duplicates == 0
    assert all(get_video(bunny, library_keys.id, guid)["status"] == 4 for guid in guids)
    assert set(requeued) == {p.public_id for p in processes if p.pk != running.pk or not resumed}
    assert not TranscodingMessage.objects.filter(level=3).exists(), "a Redis outage reported as a media error"
    assert sorted(sent) == sorted((guid, status) for guid in guids for status in (0, 1, 2, 3))
    assert not WebhookDelivery.objects.exclude(state="delivered").exists()
    assert rq_jobs_left() == {}

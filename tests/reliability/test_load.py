"""Load on a real stack (gunicorn, two RQ workers, Redis, SQLite): concurrent uploads over HTTP and
a long queue of processes started through the services. At the end every one is accounted for:
Finished or failed with a message, none stuck, none run or finished twice, nothing left in RQ.

The normal suite runs a scaled-down load; `make chaos` runs the full one."""

from __future__ import annotations

import os
import time
import uuid

import pytest
from django.db import connection

from bench.stack import start_stack
from tests.support.load import (
    ACTIVE,
    kill_a_worker,
    restart_redis,
    run_in_stack,
    supervise,
    upload_concurrently,
    wait_drained,
)
from tests.support.media import make_clip
from tests.support.postgres import create_database


def stack_in(tmp_path, **env: str):
    """A stack whose files all live under tmp_path (not the test process's folders). On the PostgreSQL
    run it gets a database of its own on the run's server, where its workers' claims really race."""
    folders = {name: str(tmp_path / name) for name in ("media", "work", "static")}
    if connection.vendor == "postgresql":
        env = {"DATABASE_URL": create_database(os.environ["DATABASE_URL"], f"stack_{uuid.uuid4().hex}"), **env}
    return start_stack(
        workers=2,
        extra_env={
            "MEDIA_ROOT": folders["media"],
            "WORK_DIR": folders["work"],
            "STATIC_ROOT": folders["static"],
            "ENCODER_PRESET": "ultrafast",
            **env,
        },
    )


def tiny_clip(tmp_path):
    return make_clip(tmp_path / "tiny.mp4", size="160x90", duration=1, rate=10)


def run_load(tmp_path, scenario, *, uploads: int, queued: int, timeout: float) -> None:
    source = tiny_clip(tmp_path)
    stack = stack_in(tmp_path)
    try:
        started = time.monotonic()
        # given a queue of processes started through the services, and concurrent uploads over HTTP
        run_in_stack(stack, f"load.queue_videos({stack.library['id']}, {queued}, {str(source)!r})")
        guids = upload_concurrently(stack, source, uploads)
        # when the workers drain it all
        state = wait_drained(stack, uploads + queued, timeout)
        seconds = time.monotonic() - started
    finally:
        stack.stop()

    # then every process ended Finished (or failed, saying why); none stuck, none twice
    statuses = state["statuses"]
    stuck = sum(statuses.get(status, 0) for status in ACTIVE)
    left_in_rq = {name: counts for name, counts in state["rq"].items() if any(counts.values())}
    lost = stuck + state["videos_without_a_process"] + state["failed_without_message"]
    duplicates = state["videos_finished_twice"] + state["processes_run_more_than_once"]
    scenario.record(
        f"{uploads} concurrent uploads + {queued} queued jobs, 2 workers: {statuses} in {seconds:.0f} s",
        lost=lost,
        duplicates=duplicates,
    )
    assert len(set(guids)) == uploads
    assert state["videos"] == state["processes"] == uploads + queued, state
    assert statuses.get("FINISHED", 0) + statuses.get("FAILED", 0) == uploads + queued, state
    assert lost == 0 and duplicates == 0, state
    assert not left_in_rq, left_in_rq
    assert statuses.get("FINISHED") == uploads + queued, state["failures"]


@pytest.mark.ffmpeg
@pytest.mark.servers
@pytest.mark.workers
@pytest.mark.slow
def test_load_20_uploads_and_30_queued_jobs_all_accounted_for(tmp_path, scenario):
    # Scaled down for CI: on two cores a bunny job (ladder, thumbnail, preview, storyboard: nine
    # ffmpeg/ffprobe runs) takes 1–2 s, so 20 + 100 would take three minutes on its own.
    run_load(tmp_path, scenario, uploads=20, queued=30, timeout=240)


@pytest.mark.ffmpeg
@pytest.mark.servers
@pytest.mark.workers
@pytest.mark.chaos
def test_load_100_uploads_and_1000_queued_jobs_all_accounted_for(tmp_path, scenario):
    run_load(tmp_path, scenario, uploads=100, queued=1000, timeout=3600)


@pytest.mark.ffmpeg
@pytest.mark.servers
@pytest.mark.workers
@pytest.mark.chaos
def test_load_with_workers_killed_and_redis_restarted_loses_nothing(tmp_path, scenario):
    """Under load, a worker SIGKILLed every five seconds for a minute (a supervisor starts another)
    and Redis restarted empty once; `manage.py reconcile` runs as its cron would. At the end every
    process is Finished exactly once and RQ holds nothing, once RQ has retried the dead workers'
    abandoned jobs (90 s after they died; no-ops by then, their processes being finished)."""
    uploads, queued, expected = 50, 300, 350
    source = tiny_clip(tmp_path)
    stack = stack_in(tmp_path, PROCESS_HEARTBEAT_TIMEOUT="20")
    kills = 0
    try:
        started = time.monotonic()
        run_in_stack(stack, f"load.queue_videos({stack.library['id']}, {queued}, {str(source)!r})")
        upload_concurrently(stack, source, uploads)
        for round_ in range(12):
            time.sleep(5)
            kill_a_worker(stack, round_)
            kills += 1
            if round_ == 5:
                restart_redis(stack)
            supervise(stack, 2)

        def cron() -> None:
            """A supervisor restarting dead workers; `manage.py reconcile` from cron; RQ's own
            maintenance (here more often than its 10 minutes), which retries abandoned jobs."""
            supervise(stack, 2)
            run_in_stack(
                stack, "from django.core.management import call_command; call_command('reconcile'); load.clean_rq()"
            )

        state = wait_drained(stack, expected, 1500, between=cron)
        seconds = time.monotonic() - started
    finally:
        stack.stop()

    statuses = state["statuses"]
    stuck = sum(statuses.get(status, 0) for status in ACTIVE)
    lost = stuck + state["videos_without_a_process"] + state["failed_without_message"]
    duplicates = state["videos_finished_twice"]
    left_in_rq = {
        name: counts for name, counts in state["rq"].items() if any(counts[k] for k in counts if k != "failed")
    }
    scenario.record(
        f"{expected} jobs, {kills} workers SIGKILLed, Redis restarted once: {statuses}, "
        f"{state['processes_run_more_than_once']} re-run, in {seconds:.0f} s",
        lost=lost,
        duplicates=duplicates,
    )
    assert state["videos"] == state["processes"] == expected, state
    assert lost == 0 and duplicates == 0, state
    assert statuses.get("FINISHED") == expected, state["failures"]
    assert not left_in_rq, left_in_rq

"""run_platform, as `make up` runs it: Redis, a worker, cron and the web server come up, serve,
and stop in order on Ctrl-C (SIGINT), SIGTERM or a closed terminal (SIGHUP), leaving nothing
running and nothing noisy — also when a worker is busy with a job longer than the grace."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import requests
from rq import Queue

from bench.stack import ROOT, free_port, platform_env, wait_port
from tests.support.processes import children, descendants, group_members, kill_tree

pytestmark = pytest.mark.workers


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


class Platform:
    """run_platform in a folder of its own, and everything it starts, gone at the end whatever happens:
    a process left running holds the output pipe open (reading it would wait for ever) and outlives
    the test."""

    def __init__(self, root: Path):
        self.web, self.redis_port = free_port(), free_port()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_platform", "--bind", f"127.0.0.1:{self.web}"],
            cwd=ROOT, env=platform_env(root, self.redis_port),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.key = ""
        self.started: set[int] = set()  # what it started, as last seen
        self.groups: list[int] = []  # each child leads a process group (a session of its own)
        self.output: str | None = None
        wait_port(self.web, timeout=60)
        self.key = (root / "first-library.json").read_text().split('"apiKey": "')[1].split('"')[0]

    def stop(self, number: int) -> list[int]:
        """Signal it, read its output to the end: the processes it started that still run."""
        self.started, self.groups = set(descendants(self.process.pid)), children(self.process.pid)
        self.process.send_signal(number)
        self.output, _ = self.process.communicate(timeout=90)
        return self._left()

    def _left(self) -> list[int]:
        in_groups = {pid for group in self.groups for pid in group_members(group)}
        return sorted(in_groups | {pid for pid in self.started if _running(pid)})

    def close(self) -> None:
        if self.process.poll() is None:
            self.started |= set(descendants(self.process.pid))
            kill_tree(self.process.pid)
        for pid in self._left():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if self.output is None:
            self.process.communicate(timeout=30)


@pytest.fixture
def platform(tmp_path):
    started = None
    try:
        started = Platform(tmp_path)
        yield started
    finally:
        if started is not None:
            started.close()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_the_platform_comes_up_serves_and_stops_in_order(platform, stop):
    listing = requests.get(
        f"http://127.0.0.1:{platform.web}/library/1/videos", headers={"AccessKey": platform.key}, timeout=10
    )
    assert listing.status_code == 200 and listing.json()["totalItems"] == 0
    time.sleep(1)  # the worker and cron have registered with Redis

    left = platform.stop(stop)

    output = platform.output
    assert platform.process.returncode == 0, output
    pids = [int(line.rsplit("(pid ", 1)[1].rstrip(")")) for line in output.splitlines() if line.startswith("started ")]
    assert len(pids) == 4  # redis, worker, cron, web
    assert not [pid for pid in pids if _running(pid)]
    assert not left, f"still running after the platform stopped: {left}"
    assert "Traceback" not in output and "Connection refused" not in output, output
    assert output.rstrip().endswith("stopped")


def test_a_worker_busy_past_the_grace_is_stopped_with_its_work_horse(platform):
    # given the worker running a job that would take ten minutes (in a work horse of its own)
    queue = Queue("default", connection=redis.Redis(port=platform.redis_port))
    job = queue.enqueue("time.sleep", 600, job_timeout=900)
    for _ in range(300):
        if job.get_status(refresh=True) == "started":
            break
        time.sleep(0.2)
    assert job.get_status() == "started"

    # when Ctrl-C stops the platform
    left = platform.stop(signal.SIGINT)

    # then it stops, and nothing it started runs on: not the worker, not its work horse
    assert platform.process.returncode == 0, platform.output
    assert not left, f"still running after the platform stopped: {left}"
    assert platform.output.rstrip().endswith("stopped")

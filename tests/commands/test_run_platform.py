"""run_platform, as `make up` runs it: Redis, a worker, cron and the web server come up, serve,
and stop in order on Ctrl-C (SIGINT), SIGTERM or a closed terminal (SIGHUP), leaving nothing
running and nothing noisy."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from bench.stack import ROOT, free_port, platform_env, wait_port
from tests.support.processes import kill_tree


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


@pytest.mark.workers
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_the_platform_comes_up_serves_and_stops_in_order(tmp_path, stop):
    web, redis_port = free_port(), free_port()
    env = platform_env(tmp_path, redis_port)
    platform = subprocess.Popen(
        [sys.executable, "manage.py", "run_platform", "--bind", f"127.0.0.1:{web}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        wait_port(web, timeout=60)
        key = (tmp_path / "first-library.json").read_text().split('"apiKey": "')[1].split('"')[0]
        listing = requests.get(f"http://127.0.0.1:{web}/library/1/videos", headers={"AccessKey": key}, timeout=10)
        assert listing.status_code == 200 and listing.json()["totalItems"] == 0
        time.sleep(1)  # the worker and cron have registered with Redis
        platform.send_signal(stop)
        output, _ = platform.communicate(timeout=60)
    finally:
        if platform.poll() is None:
            # with everything it started: a child left running keeps the output pipe open for ever
            kill_tree(platform.pid)
            platform.communicate(timeout=30)

    assert platform.returncode == 0, output
    pids = [int(line.rsplit("(pid ", 1)[1].rstrip(")")) for line in output.splitlines() if line.startswith("started ")]
    assert len(pids) == 4  # redis, worker, cron, web
    assert not [pid for pid in pids if _running(pid)]
    assert "Traceback" not in output and "Connection refused" not in output, output
    assert output.rstrip().endswith("stopped")

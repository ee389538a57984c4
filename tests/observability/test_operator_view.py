"""The operator's view of a running platform, as a load balancer and Prometheus see it: gunicorn
(two workers, what gunicorn.conf.py sets up) on PostgreSQL and Redis, JSON access logs, /metrics
summed over both workers, /readyz naming the dependency that stopped answering."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest
import requests

from bench.stack import start_stack
from tests.support.postgres import start_postgres
from tests.support.prometheus import metric

pytestmark = [pytest.mark.servers, pytest.mark.slow]
TOKEN = "metrics-token-1234567890"


@pytest.fixture
def platform(tmp_path):
    postgres = start_postgres()
    log = tmp_path / "web.log"
    env = {"DATABASE_URL": postgres.url, "LOG_FORMAT": "json", "METRICS_TOKEN": TOKEN, "READINESS_TIMEOUT": "1.5"}
    stack = start_stack(workers=0, web_workers=2, web_log=log, extra_env=env)
    yield stack, postgres, log
    stack.stop()
    os.kill(postgres.process.pid, signal.SIGCONT)
    postgres.stop()


def test_probes_metrics_and_access_log_of_a_running_platform(platform):
    stack, postgres, log = platform
    base, library = stack.base, stack.library["id"]

    # given a platform whose workers have booted, and traffic on its API (each request on a new
    # connection: both workers get some)
    assert requests.get(f"{base}/healthz", timeout=120).status_code == 200
    for _ in range(20):
        assert requests.get(f"{base}/library/{library}/videos", headers=stack.headers, timeout=10).status_code == 200

    # then /healthz and /readyz answer a probe by address, whatever its Host header
    assert requests.get(f"{base}/healthz", headers={"Host": "10.1.2.3"}, timeout=5).json() == {"status": "ok"}
    ready = requests.get(f"{base}/readyz", headers={"Host": "10.1.2.3"}, timeout=5)
    assert ready.status_code == 200 and ready.json()["failed"] == [], ready.text
    assert set(ready.json()["checks"]) == {"database", "redis", "storage"}

    # and /metrics wants its token, then counts the requests of both workers and reads the queues
    assert requests.get(f"{base}/metrics", timeout=5).status_code == 401
    text = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5).text
    assert metric(text, "media_platform_http_requests_total", method="GET", view="bunny-videos", status="200") == 20
    assert metric(text, "media_platform_http_request_duration_seconds_count", method="GET", view="bunny-videos") == 20
    assert metric(text, "rq_jobs", queue="default", status="queued") == 0
    assert metric(text, "media_platform_redis_up") == 1

    # and the access log is JSON, one line per request, probes included
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    listed = [line for line in access if line.get("path") == f"/library/{library}/videos"]
    assert len(listed) == 20 and all(line["status"] == 200 and line["method"] == "GET" for line in listed)
    assert all(isinstance(line["duration_ms"], int) for line in listed)

    # when PostgreSQL hangs (stopped, not gone: connections wait) and Redis is gone
    os.kill(postgres.process.pid, signal.SIGSTOP)
    stack.children[0].terminate()  # the stack's Redis
    stack.children[0].wait(timeout=10)
    started = time.monotonic()
    ready = requests.get(f"{base}/readyz", timeout=10)

    # then /readyz says which, within its timeout, while /healthz still answers
    assert time.monotonic() - started < 4
    assert ready.status_code == 503 and ready.json()["failed"] == ["database", "redis"], ready.text
    assert ready.json()["checks"]["database"]["error"] == "timed out"
    assert ready.json()["checks"]["storage"]["ok"] is True
    assert requests.get(f"{base}/healthz", timeout=5).status_code == 200
    scraped = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert scraped.status_code == 200 and metric(scraped.text, "media_platform_redis_up") == 0

    # when PostgreSQL is back
    os.kill(postgres.process.pid, signal.SIGCONT)
    time.sleep(0.5)
    assert requests.get(f"{base}/readyz", timeout=10).json()["failed"] == ["redis"]

"""Run queued jobs with real RQ workers: in this process (SimpleWorker) or as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys

import django_rq
from django.conf import settings
from django.db import connection
from rq import SimpleWorker

QUEUES = ["high", "default", "low", "webhooks"]


def run_burst(queues: list[str] | None = None, *, with_scheduler: bool = False, max_jobs: int | None = None) -> None:
    """Drain the queues with an in-process RQ worker; returns when they are empty (or after max_jobs)."""
    worker = django_rq.get_worker(*(queues or QUEUES), worker_class=SimpleWorker)
    worker.work(burst=True, with_scheduler=with_scheduler, logging_level="WARNING", max_jobs=max_jobs)


def database_url() -> str:
    """The URL of the database this test process uses now (its test database, once set up)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url()
    env["REDIS_URL"] = settings.REDIS_URL
    env["SSRF_ALLOWLIST"] = ",".join(settings.SSRF_ALLOWLIST)  # e.g. the tests' loopback S3 server
    return env


def run_subprocess_worker(queues: list[str] | None = None, *, timeout: float = 300) -> subprocess.CompletedProcess:
    """`manage.py rqworker --burst` as a separate process: the real thing, forking work horses."""
    command = [sys.executable, "manage.py", "rqworker", *(queues or QUEUES), "--burst"]
    return subprocess.run(
        command, cwd=settings.BASE_DIR, env=subprocess_env(), capture_output=True, text=True, timeout=timeout
    )

"""Small tools for the fault scenarios: wait for a condition, start a worker to kill, count what
a run left behind."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import django_rq
import psycopg
from django.conf import settings
from django.db import connection
from rq.registry import ScheduledJobRegistry, StartedJobRegistry

from tests.support.workers import QUEUES, database_url, subprocess_env


def wait_for(condition: Callable[[], object], timeout: float = 60, interval: float = 0.1) -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, "timed out"
        time.sleep(interval)


def start_worker(*queues: str, burst: bool = True, scheduler: bool = False, **env: str) -> subprocess.Popen:
    """`manage.py rqworker` as its own process (forking work horses), output discarded."""
    command = [sys.executable, "manage.py", "rqworker", *(queues or QUEUES)]
    command += ["--burst"] if burst else []
    command += ["--with-scheduler"] if scheduler else []
    return subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env={**subprocess_env(), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def rq_jobs_left() -> dict[str, int]:
    """Jobs still queued, running or scheduled, per queue (empty when everything drained)."""
    left = {}
    for name in QUEUES:
        queue = django_rq.get_queue(name)
        started = StartedJobRegistry(queue=queue).count
        scheduled = ScheduledJobRegistry(queue=queue).count
        if queue.count or started or scheduled:
            left[name] = queue.count + started + scheduled
    return left


def scheduled_job_ids(queue: str = "default") -> list[str]:
    return ScheduledJobRegistry(queue=django_rq.get_queue(queue)).get_job_ids()


@contextmanager
def database_locked() -> Iterator[None]:
    """Hold the test database's write lock: readers go on, writers wait, then fail (after the
    one second that tests.support.lock_wait_settings gives them)."""
    if connection.vendor == "sqlite":
        holder = sqlite3.connect(connection.settings_dict["NAME"], timeout=30, isolation_level=None)
        begin, lock = "BEGIN IMMEDIATE", None  # SQLite's one write lock, as WAL has it
    else:
        holder = psycopg.connect(database_url(), autocommit=True)
        # EXCLUSIVE mode lets plain reads through and stops every write, as SQLite's lock does
        tables = ", ".join(connection.introspection.django_table_names(only_existing=True))
        begin, lock = "BEGIN", f"LOCK TABLE {tables} IN EXCLUSIVE MODE"
    try:
        holder.execute(begin)
        if lock:
            holder.execute(lock)
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()

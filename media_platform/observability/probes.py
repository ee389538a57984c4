"""What /readyz checks: the database, Redis and the storage answer, each within a short time.

Each check runs on a thread of a small pool, so a server that hangs (rather than refuses) costs
the probe its timeout, not the load balancer's patience; a hung check keeps its thread until its
own timeout passes, and a pool worn out by hung checks reports them timed out, which is the truth.
"""

from __future__ import annotations

import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

import redis
from django.conf import settings
from django.db import connections

from media_platform.storage.files import is_local, storage

log = logging.getLogger(__name__)
POOL = ThreadPoolExecutor(max_workers=6, thread_name_prefix="readyz")


@dataclass(frozen=True)
class Outcome:
    ok: bool
    milliseconds: int
    error: str = ""

    def as_json(self) -> dict:
        return {"ok": self.ok, "ms": self.milliseconds, **({"error": self.error} if self.error else {})}


def check_database() -> None:
    connection = connections["default"]  # this pool thread's own connection, closed after
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()


def check_redis() -> None:
    timeout = settings.READINESS_TIMEOUT
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()


def check_storage() -> None:
    store = storage()
    if is_local(store):
        root = Path(settings.MEDIA_ROOT)
        root.mkdir(parents=True, exist_ok=True)  # a fresh platform makes it on its first upload
        if not os.access(root, os.W_OK):
            raise PermissionError(f"{root} is not writable")
        return
    store.connection.meta.client.head_bucket(Bucket=store.bucket_name)  # type: ignore[attr-defined]


CHECKS = {"database": check_database, "redis": check_redis, "storage": check_storage}


def _timed(check) -> Outcome:
    started = time.monotonic()
    try:
        check()
    except Exception as exc:  # any failure means "not ready"; the log has the whole story
        log.warning("readiness: %s failed: %s", check.__name__, exc)
        return Outcome(False, int((time.monotonic() - started) * 1000), type(exc).__name__)
    return Outcome(True, int((time.monotonic() - started) * 1000))


def readiness() -> dict[str, Outcome]:
    """Every check's outcome, within READINESS_TIMEOUT seconds in all. Error texts are exception
    names only: the probe answers anyone who can reach it, and messages name internal hosts."""
    futures = {name: POOL.submit(_timed, check) for name, check in CHECKS.items()}
    deadline = time.monotonic() + settings.READINESS_TIMEOUT
    outcomes = {}
    for name, future in futures.items():
        try:
            outcomes[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            log.warning("readiness: %s did not answer within %s s", name, settings.READINESS_TIMEOUT)
            outcomes[name] = Outcome(False, int(settings.READINESS_TIMEOUT * 1000), "timed out")
    return outcomes

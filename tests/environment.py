"""Loaded with `-p tests.environment` before pytest-django sets Django up: starts a real Redis
server for this test process and points every setting at throwaway folders.

`--database postgresql` (or TEST_DATABASE=postgresql) runs the suite on a real PostgreSQL server
instead of SQLite: the first process starts one throwaway server (tests/support/postgres.py) and
its xdist workers, which inherit its environment, share it, each with a test database of its own
(pytest-django's `_gw0`, `_gw1` suffixes). One initdb per run instead of one per worker, and the
controller, which runs no tests, is the one that outlives them all to stop it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

_state: dict = {}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(folder: str, port: int | None = None) -> tuple[subprocess.Popen, int]:
    port = port or free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            folder,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


DATABASES = ("sqlite", "postgresql")
# Set by the process that started the run's PostgreSQL server, for the workers it spawns.
POSTGRES_URL = "MEDIA_PLATFORM_TEST_POSTGRES_URL"


def pytest_addoption(parser):
    parser.addoption(
        "--database",
        choices=DATABASES,
        default=os.environ.get("TEST_DATABASE") or "sqlite",
        help="the database the suite runs on (default: sqlite; also TEST_DATABASE)",
    )


def _use_postgres() -> str:
    """The URL of this run's PostgreSQL server, started here unless a parent process did."""
    if not os.environ.get(POSTGRES_URL):
        from tests.support.postgres import start_postgres

        _state["postgres"] = start_postgres()
        os.environ[POSTGRES_URL] = _state["postgres"].url
    return os.environ[POSTGRES_URL]


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    root = tempfile.mkdtemp(prefix="media-platform-tests-")
    os.makedirs(os.path.join(root, "static"), exist_ok=True)
    redis, port = start_redis(root)
    _state.update(root=root, redis=redis, redis_port=port)
    os.environ.update(
        {
            "VAR_DIR": root,
            "STATIC_ROOT": os.path.join(root, "static"),
            "MEDIA_ROOT": os.path.join(root, "media"),
            "WORK_DIR": os.path.join(root, "work"),
            "REDIS_URL": f"redis://127.0.0.1:{port}/0",
            "TEST_DATABASE_NAME": os.path.join(root, "test.sqlite3"),
            "ENCODER_PRESET": "ultrafast",
            "SSRF_ALLOWLIST": "",
            "WEBHOOK_BACKOFF_BASE": "0.2",
            "PROCESS_HEARTBEAT_TIMEOUT": "90",
            "OLD_OUTPUTS_GRACE_SECONDS": "0",
            # The ladder's own flow, as most tests describe it; the fast-start tests turn it on.
            "FAST_START": "0",
        }
    )
    if early_config.known_args_namespace.database == "postgresql":
        os.environ["DATABASE_URL"] = _use_postgres()
        os.environ.pop("TEST_DATABASE_NAME")
    else:
        os.environ.pop("DATABASE_URL", None)  # the embedded default, whatever the shell had


def pytest_unconfigure(config):
    redis = _state.get("redis")
    if redis is not None:
        redis.terminate()
        redis.wait(timeout=10)
    if _state.get("postgres") is not None:
        _state.pop("postgres").stop()
    if _state.get("root"):
        shutil.rmtree(_state["root"], ignore_errors=True)


def redis_port() -> int:
    return _state["redis_port"]


def stop_redis() -> None:
    """Stop this test process's Redis as a crash would (SIGKILL): what it held is gone."""
    redis = _state.get("redis")
    if redis is not None and redis.poll() is None:
        redis.kill()
        redis.wait(timeout=10)


def start_redis_again() -> None:
    """A fresh, empty Redis on the same port, as after a restart without persistence."""
    redis = _state.get("redis")
    if redis is not None and redis.poll() is None:
        return
    _state["redis"], _ = start_redis(_state["root"], _state["redis_port"])

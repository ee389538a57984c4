"""A real, throwaway PostgreSQL server from Debian's `postgresql` package: a new cluster in a
temporary folder, on a free loopback port, removed when stopped. For tests and benchmarks.

PostgreSQL refuses to run as root, so as root the cluster belongs to the package's `postgres`
user. Durability is traded for speed (no fsync): the data lives only as long as the run.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.environment import free_port

FAST = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]


def binary(name: str) -> str:
    """Debian keeps the server programs out of PATH, in /usr/lib/postgresql/<version>/bin."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    path = found[-1] if found else shutil.which(name)
    if not path:
        raise RuntimeError(f"{name} not found: install Debian's postgresql package")
    return path


@dataclass
class Postgres:
    process: subprocess.Popen | None
    port: int
    folder: Path

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # smart shutdown: waits for clients, which the caller has closed
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    """A new, empty database on the server at `server_url`; its URL."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url.rsplit('/', 1)[0]}/{name}"


def _owner() -> dict:
    """Popen arguments that run the server as `postgres` when we are root."""
    if os.geteuid() != 0:
        return {}
    user = pwd.getpwnam("postgres")
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def start_postgres(*, max_connections: int = 100) -> Postgres:
    folder = Path(tempfile.mkdtemp(prefix="media-platform-pg-"))
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    owner = _owner()
    if owner:
        for path in (folder, sockets):
            os.chown(path, owner["user"], owner["group"])
    initdb = [binary("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"]
    subprocess.run([*initdb, "--no-sync"], check=True, capture_output=True, **owner)
    port = free_port()
    server = [binary("postgres"), "-D", str(data), "-p", str(port), "-k", str(sockets)]
    server += ["-c", "listen_addresses=127.0.0.1", "-c", f"max_connections={max_connections}", *FAST]
    log = open(folder / "server.log", "wb")  # noqa: SIM115 (the server writes to it for its whole life)
    process = subprocess.Popen(server, stdout=log, stderr=subprocess.STDOUT, **owner)
    log.close()
    postgres = Postgres(process, port, folder)
    _wait_ready(postgres)
    return postgres


def _wait_ready(postgres: Postgres, timeout: float = 30) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if postgres.process.poll() is not None:
            log = (postgres.folder / "server.log").read_text(errors="replace")
            raise RuntimeError(f"postgres exited: {log[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", postgres.port), timeout=0.2).close()
            psycopg.connect(postgres.url, connect_timeout=2).close()
            return
        except (OSError, psycopg.OperationalError):
            time.sleep(0.1)
    postgres.stop()
    raise RuntimeError("postgres did not start")

"""The production shape on one machine, as compose.yaml describes it, with nothing shared on disk.

PostgreSQL, Redis and an S3 server (moto) with a public address in front of it stand in for the
services; the platform's roles run as compose.yaml runs them: the one-shots first, in order
(bucket, then migrate), then web (gunicorn), the workers and cron. Each role has a folder that is
its whole disk (working directory, VAR_DIR, TMPDIR and HOME), and where the kernel has Landlock
it may write nowhere else (tests/support/confine.py). What a process of one role writes, no other
can read: storage is S3 only. A role that dies is started again, as compose's restart policy does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis

from bench.stack import ROOT, Stack, free_port, wait_port
from tests.support import confine
from tests.support.postgres import Postgres, create_database, start_postgres
from tests.support.processes import kill_tree
from tests.support.s3 import KEY, REGION, SECRET, S3Server, start_s3
from tests.support.s3_proxy import S3Proxy, start_s3_proxy

# The roles as the image runs them; compose.yaml says the same (tests/deployment/test_compose.py).
WEB = ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]  # its shape: gunicorn.conf.py
ONE_SHOTS = {
    "bucket": ["python", "manage.py", "ensure_bucket"],
    "migrate": ["python", "manage.py", "migrate", "--noinput"],
}
SERVICES = {
    "web": WEB,
    "worker": ["python", "manage.py", "rqworker", "high", "default", "low", "webhooks", "--with-scheduler"],
    "cron": ["python", "manage.py", "rqcron", "media_platform.jobs.cron"],
}
# What every role is told about the deployment: compose.yaml's shared environment names them all.
DEPLOYMENT = (
    "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "AWS_STORAGE_BUCKET_NAME", "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY", "AWS_S3_REGION_NAME", "S3_ENDPOINT_URL", "S3_PUBLIC_ENDPOINT_URL", "PUBLIC_BASE_URL",
)  # fmt: skip
BUCKET = "media"


def local(command: list[str], web_port: int) -> list[str]:
    """The image's command as run from this checkout: this Python, gunicorn as a module with the
    settings it finds in the image's working folder (each role here runs in a folder of its own),
    the web server bound to a free loopback port instead of the container's 0.0.0.0:8000."""
    program, *args = command
    gunicorn = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")]
    head = {"python": [sys.executable], "gunicorn": gunicorn}[program]
    swaps = {"manage.py": str(ROOT / "manage.py"), "0.0.0.0:8000": f"127.0.0.1:{web_port}"}
    return [*head, *(swaps.get(arg, arg) for arg in args)]


@dataclass
class Role:
    name: str
    command: list[str]
    folder: Path
    process: subprocess.Popen | None = None
    starts: int = 0


@dataclass
class Production(Stack):
    postgres: Postgres | None = None
    s3: S3Server | None = None
    public: S3Proxy | None = None
    database_url: str = ""
    roles: dict[str, Role] = field(default_factory=dict)
    confined: bool = False

    @property
    def redis_url(self) -> str:
        return self.env["REDIS_URL"]

    def folder(self, name: str) -> Path:
        folder = self.root / "roles" / name
        (folder / "tmp").mkdir(parents=True, exist_ok=True)
        return folder

    def role_env(self, folder: Path) -> dict:
        return {**self.env, "VAR_DIR": str(folder), "TMPDIR": str(folder / "tmp"), "HOME": str(folder)}

    def command(self, name: str, command: list[str]) -> list[str]:
        command = local(command, self.web_port)
        if self.confined:
            command = [sys.executable, str(ROOT / "tests/support/confine.py"), str(self.folder(name)), "--", *command]
        return command

    def one_shot(self, name: str, command: list[str]) -> str:
        """Run a one-shot role to its end; its output (it must succeed)."""
        folder = self.folder(name)
        result = subprocess.run(
            self.command(name, command), cwd=folder, env=self.role_env(folder), capture_output=True, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(f"{name} failed ({result.returncode}): {result.stdout[-2000:]}{result.stderr[-3000:]}")
        return result.stdout

    def start_role(self, name: str, command: list[str]) -> Role:
        role = self.roles.get(name) or Role(name, command, self.folder(name))
        log = self.root / "logs" / f"{name}.log"
        role.process = self.spawn(self.command(name, command), cwd=role.folder, env=self.role_env(role.folder), log=log)
        role.starts += 1
        self.roles[name] = role
        return role

    def supervise(self) -> list[str]:
        """compose's `restart: unless-stopped`: start again every role whose process has ended."""
        restarted = [name for name, role in self.roles.items() if role.process.poll() is not None]
        for name in restarted:
            self.start_role(name, self.roles[name].command)
        return restarted

    def kill(self, name: str) -> None:
        """SIGKILL the role with everything it started (work horse, ffmpeg), as a lost host would be."""
        process = self.roles[name].process
        kill_tree(process.pid)
        process.wait()

    def workers(self) -> list[str]:
        return [name for name in self.roles if name.startswith("worker")]

    def sql(self, query: str, *params) -> list[tuple]:
        with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as connection:
            return connection.execute(query, params).fetchall()

    def wait_registered(self, timeout: float = 120) -> None:
        """Every worker and cron registered with Redis, as in a running deployment."""
        connection = redis.Redis.from_url(self.redis_url)
        deadline = time.time() + timeout
        while connection.scard("rq:workers") < len(self.workers()):
            if time.time() > deadline:
                raise TimeoutError("the workers did not register with Redis")
            time.sleep(0.1)

    def stop(self) -> None:
        """Roles first, then the services; the folders stay for the test to look at."""
        for role in self.roles.values():
            if role.process.poll() is None:
                role.process.terminate()
        for role in self.roles.values():
            try:
                role.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                kill_tree(role.process.pid)
                role.process.wait()
        for child in self.children:
            if child.poll() is None:
                child.terminate()
                child.wait(timeout=15)
        for service in (self.public, self.s3, self.postgres):
            if service is not None:
                service.stop()


def start_production(
    root: Path, *, workers: int = 2, webhook_url: str = "", settings: dict | None = None
) -> Production:
    """Services, then the one-shots in order, then web, `workers` workers and cron: compose's order."""
    (root / "logs").mkdir(parents=True)
    web_port, redis_port = free_port(), free_port()
    stack = Production(root, {}, web_port, confined=confine.available())
    try:
        _start_services(stack, redis_port)
        stack.env = _environment(stack, redis_port, settings or {})
        for name, command in ONE_SHOTS.items():
            stack.one_shot(name, command)
        admin = ["python", "manage.py", "create_library", "Rehearsal", "--webhook-url", webhook_url]
        stack.library = json.loads(stack.one_shot("admin", admin).strip().splitlines()[-1])
        stack.start_role("web", SERVICES["web"])
        for number in range(1, workers + 1):
            stack.start_role(f"worker-{number}", SERVICES["worker"])
        stack.start_role("cron", SERVICES["cron"])
        wait_port(web_port, timeout=60)
        stack.wait_registered()
    except BaseException:
        stack.stop()
        raise
    return stack


def _start_services(stack: Production, redis_port: int) -> None:
    stack.postgres = start_postgres()
    stack.database_url = create_database(stack.postgres.url, "media")
    (stack.root / "redis").mkdir()
    stack.spawn(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(stack.root / "redis")])  # fmt: skip
    wait_port(redis_port)
    stack.s3 = start_s3()
    stack.public = start_s3_proxy(stack.s3.port, public=True)


def _environment(stack: Production, redis_port: int, settings: dict) -> dict:
    deployment = {
        "DATABASE_URL": stack.database_url,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "SECRET_KEY": "rehearsal-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_ACCESS_KEY_ID": KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_S3_REGION_NAME": REGION,
        "S3_ENDPOINT_URL": stack.s3.endpoint,
        "S3_PUBLIC_ENDPOINT_URL": stack.public.endpoint,
        "PUBLIC_BASE_URL": stack.base,
    }
    assert set(deployment) == set(DEPLOYMENT)
    # The image's own environment (Dockerfile ENV): the code where the roles do not run, no .pyc written.
    image = {"PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
    system = {name: os.environ[name] for name in ("PATH", "LANG") if name in os.environ}
    return {**system, **image, **deployment, **settings}

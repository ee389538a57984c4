"""Bring the whole embedded platform up: Redis (if local and not running), database, admin
user, a first library, RQ workers, the cron scheduler and the web server."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from media_platform.models import Library
from media_platform.services.libraries import library_create

QUEUES = ["high", "default", "low", "webhooks"]
QUICK_STOP_SECONDS = 5  # after the grace: for a quick stop, before the kill


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _write_secret(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o600)


class Command(BaseCommand):
    help = "Run the platform on its embedded default: Redis, web server, workers; prints the admin URL and an API key."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("RQ_WORKERS", "1")))
        parser.add_argument("--web-workers", type=int, help="web processes (default: gunicorn.conf.py's, a core each)")

    def handle(self, *args, **options):
        var = Path(settings.VAR_DIR)
        var.mkdir(parents=True, exist_ok=True)
        self.children: list[subprocess.Popen] = []
        self.redis: subprocess.Popen | None = None
        self.stopping = False
        # Set explicitly, so a SIGINT stops the platform even where the shell that started it
        # in the background ignores SIGINT. The children are in sessions of their own, so only
        # this process hears Ctrl-C (or the terminal closing) and stops them in order.
        for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(number, lambda *_: self._stop(0))
        try:
            self._redis(var)
            call_command("migrate", interactive=False, verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
            admin_password = self._admin(var)
            library = self._library(var)
            self._spawn_workers(options["workers"])
            self._spawn([sys.executable, "manage.py", "rqcron", "media_platform.jobs.cron"], "cron")
            self._spawn(self._gunicorn(options), "web")
            self._banner(options["bind"], admin_password, library)
            self._wait()
        except BaseException:  # a failed start, or the SystemExit of _stop (then this does nothing)
            self._stop(1, quietly=True)
            raise

    def _redis(self, var: Path) -> None:
        url = urlparse(settings.REDIS_URL)
        host, port = url.hostname or "127.0.0.1", url.port or 6379
        if _reachable(host, port):
            return
        if host not in ("127.0.0.1", "localhost"):
            raise SystemExit(f"Redis at {settings.REDIS_URL} is not reachable.")
        folder = var / "redis"
        folder.mkdir(exist_ok=True)
        # appendonly: queued jobs survive a restart of the embedded platform.
        self.redis = self._spawn(
            ["redis-server", "--port", str(port), "--bind", host, "--dir", str(folder), "--appendonly", "yes"],
            "redis",
            quiet=True,
        )
        for _ in range(50):
            if _reachable(host, port):
                return
            time.sleep(0.1)
        raise SystemExit("redis-server did not start")

    def _admin(self, var: Path) -> str | None:
        path = var / "admin-password"
        user_model = get_user_model()
        if user_model.objects.filter(is_superuser=True).exists():
            return path.read_text().strip() if path.exists() else None
        password = secrets.token_urlsafe(12)
        user_model.objects.create_superuser("admin", "admin@localhost", password)
        _write_secret(path, password)
        return password

    def _library(self, var: Path) -> dict:
        path = var / "first-library.json"
        if path.exists():
            return json.loads(path.read_text())
        if Library.objects.exists():
            library = Library.objects.order_by("pk").first()
            return {"id": library.pk, "name": library.name, "apiKey": "(shown when it was created)"}
        library, keys = library_create(name="Default library")
        line = {
            "id": library.pk,
            "name": library.name,
            "apiKey": keys.api_key,
            "readOnlyApiKey": keys.read_only_api_key,
        }
        _write_secret(path, json.dumps(line))
        return line

    def _spawn_workers(self, count: int) -> None:
        for number in range(max(1, count)):
            command = [
                sys.executable,
                "manage.py",
                "rqworker",
                *QUEUES,
                "--with-scheduler",
                "--name",
                f"worker-{os.getpid()}-{number}",
            ]
            self._spawn(command, f"worker {number}")

    def _gunicorn(self, options) -> list[str]:
        # the production shape and the access log: gunicorn.conf.py, in the folder it starts in
        workers = ["--workers", str(options["web_workers"])] if options["web_workers"] else []
        return [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", options["bind"], *workers]

    def _spawn(self, command: list[str], label: str, quiet: bool = False) -> subprocess.Popen:
        output = subprocess.DEVNULL if quiet else None
        child = subprocess.Popen(command, stdout=output, stderr=output, cwd=settings.BASE_DIR, start_new_session=True)
        self.children.append(child)
        self.stdout.write(f"started {label} (pid {child.pid})")
        return child

    def _banner(self, bind: str, password: str | None, library: dict) -> None:
        base = f"http://{bind}"
        lines = [
            "",
            "The media platform is up.",
            f"  Admin:        {base}/admin/  (user admin, password {password or 'see var/admin-password'})",
            f"  API:          {base}/library/{library['id']}/videos",
            f"  Library:      {library['id']} ({library.get('name', '')})",
            f"  API key:      {library['apiKey']}",
            f"  Swagger UI:   {base}/api/docs/",
            "Stop with Ctrl-C.",
            "",
        ]
        self.stdout.write("\n".join(lines))

    def _wait(self) -> None:
        while True:
            for child in self.children:
                if child.poll() is not None:
                    self.stderr.write(f"process {child.args[:3]} exited with {child.returncode}; stopping")
                    self._stop(1)
            time.sleep(1)

    def _stop(self, code: int, quietly: bool = False) -> None:
        """Web, cron and workers first (a worker's warm shut-down still talks to Redis), then
        the embedded Redis, which saves its append-only file on the way out."""
        if self.stopping:
            return
        self.stopping = True
        others = [child for child in self.children if child is not self.redis]
        _terminate(others, grace=10)
        _terminate([self.redis] if self.redis else [], grace=10)
        if not quietly:
            self.stdout.write("stopped")
            raise SystemExit(code)


def _terminate(children: list[subprocess.Popen], grace: float) -> None:
    """SIGTERM asks for a graceful stop (a worker finishes its job, gunicorn its requests) within
    `grace`; then SIGINT asks for a quick one (rq's cold shut-down kills its work horse and the
    horse's ffmpeg, gunicorn's quick one its workers); whatever still runs is killed with its
    process group (each child leads one, see _spawn). Killing the child alone would leave what it
    started running on, holding the terminal and its files."""
    _signal(children, signal.SIGTERM)
    slow = _wait(children, grace)
    _signal(slow, signal.SIGINT)
    for child in _wait(slow, QUICK_STOP_SECONDS):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def _signal(children: list[subprocess.Popen], number: int) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(number)


def _wait(children: list[subprocess.Popen], seconds: float) -> list[subprocess.Popen]:
    """Those still running after `seconds` (for all of them together)."""
    deadline = time.time() + seconds
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(0.1, deadline - time.time()))
    return [child for child in children if child.poll() is None]

"""A real platform for benchmarks: its own Redis, database, gunicorn web server and RQ workers,
in a throwaway folder. The same pieces `make up` runs, started from Python."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
UPLOAD_BLOCK = 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


@dataclass
class Stack:
    root: Path
    env: dict
    web_port: int
    children: list[subprocess.Popen] = field(default_factory=list)
    library: dict = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=True
        )
        return result.stdout

    def spawn(
        self,
        command: list[str],
        *,
        cpus: str | None = None,
        cwd: Path = ROOT,
        env: dict | None = None,
        log: Path | None = None,
    ) -> subprocess.Popen:
        """A child of the stack; its output is appended to the file `log` when given, else discarded."""
        if cpus:
            command = ["taskset", "-c", cpus, *command]
        output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (the child writes to it)
        process = subprocess.Popen(
            command, cwd=cwd, env=env or self.env, stdout=output, stderr=subprocess.STDOUT if log else output
        )
        if log:
            output.close()
        self.children.append(process)
        return process

    def start_workers(self, count: int, *, cpus: list[str] | None = None) -> None:
        """Workers started and registered with Redis, as in a running deployment: their start-up
        is not part of any measurement."""
        for number in range(count):
            self.spawn(
                [PYTHON, "manage.py", "rqworker", "high", "default", "low", "webhooks", "--with-scheduler"],
                cpus=cpus[number] if cpus else None,
            )
        registered = redis.Redis.from_url(self.env["REDIS_URL"])
        deadline = time.time() + 120
        while registered.scard("rq:workers") < count:
            if time.time() > deadline:
                raise TimeoutError(f"{count} workers did not register with Redis")
            time.sleep(0.1)

    def stop(self) -> None:
        for child in reversed(self.children):
            child.terminate()
        for child in self.children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    # --- the bunny API, as a client uses it ---------------------------------------------------
    @property
    def headers(self) -> dict:
        return {"AccessKey": self.library["apiKey"]}

    def create_video(self, title: str) -> str:
        url = f"{self.base}/library/{self.library['id']}/videos"
        return requests.post(url, json={"title": title}, headers=self.headers, timeout=30).json()["guid"]

    def upload(self, guid: str, path: Path, query: str = "") -> float:
        """PUT the file as a client that streams it in 1 MiB writes (requests sends a file in
        8 KiB writes, which made the client, not the platform, the measured bottleneck).
        Returns perf_counter() at its last byte, before the response."""
        connection = http.client.HTTPConnection("127.0.0.1", self.web_port, timeout=7200, blocksize=UPLOAD_BLOCK)
        try:
            with open(path, "rb") as handle:
                headers = {**self.headers, "Content-Length": str(path.stat().st_size)}
                target = f"/library/{self.library['id']}/videos/{guid}{query}"
                connection.request("PUT", target, body=handle, headers=headers)
            last_byte = time.perf_counter()
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise RuntimeError(f"upload failed: {response.status} {body[:500]!r}")
        return last_byte

    def video(self, guid: str) -> dict:
        return requests.get(
            f"{self.base}/library/{self.library['id']}/videos/{guid}", headers=self.headers, timeout=30
        ).json()

    def upload_to_finished(self, source: Path, title: str) -> tuple[float, float, dict]:
        """(upload seconds, upload → Finished seconds, the video), as a client sees them."""
        guid = self.create_video(title)
        started = time.perf_counter()
        self.upload(guid, source)
        uploaded = time.perf_counter()
        video = self.wait_finished(guid)
        return uploaded - started, time.perf_counter() - started, video

    def wait_finished(self, guid: str, timeout: float = 3600, interval: float = 0.5) -> dict:
        """Poll as a client would. Each poll costs the 2-core machine some milliseconds of CPU
        that the encode would otherwise have, so the interval is a trade of that against the
        up-to-`interval` lag in seeing the finish."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            video = self.video(guid)
            if video["status"] in (4, 5):
                return video
            time.sleep(interval)
        raise TimeoutError(guid)


def platform_env(root: Path, redis_port: int) -> dict:
    """The environment of a platform kept whole in `root`: its own SQLite file, files and Redis."""
    return {
        **os.environ,
        "VAR_DIR": str(root),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DATABASE_URL": f"sqlite:///{root}/db.sqlite3",
        "SECRET_KEY": "benchmark",
    }


def start_stack(
    *,
    workers: int = 1,
    web_workers: int | None = None,
    web_threads: int | None = None,
    web_worker_class: str | None = None,
    web_log: Path | None = None,
    worker_cpus: list[str] | None = None,
    extra_env: dict | None = None,
) -> Stack:
    root = Path(tempfile.mkdtemp(prefix="media-platform-bench-"))
    redis_port, web_port = free_port(), free_port()
    env = {**platform_env(root, redis_port), "LOG_LEVEL": "WARNING", **(extra_env or {})}
    stack = Stack(root, env, web_port)
    stack.spawn(["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no", "--dir", str(root)])
    wait_port(redis_port)
    stack.manage("migrate", "--noinput")
    stack.library = json.loads(stack.manage("create_library", "Benchmark").strip().splitlines()[-1])
    # The production shape unless told otherwise: gunicorn.conf.py, read from ROOT, where it starts.
    shape = {"--workers": web_workers, "--threads": web_threads, "--worker-class": web_worker_class}
    stack.spawn(
        [PYTHON, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{web_port}",
         *(part for option, value in shape.items() if value is not None for part in (option, str(value)))],
        log=web_log,
    )  # fmt: skip
    wait_port(web_port)
    stack.start_workers(workers, cpus=worker_cpus)
    return stack


def make_source(path: Path, *, seconds: int, size: str = "1920x1080", rate: int = 30) -> Path:
    """A detailed 1080p test source (moving pattern + noise + tone), cached between runs."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    command = [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds},noise=alls=12:allf=t",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", str(path),
    ]  # fmt: skip
    subprocess.run(command, check=True)
    return path


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    version = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.splitlines()[0]
    return {"cpu": cpu, "cores": os.cpu_count(), "ffmpeg": version}


def write_results(name: str, data: dict) -> Path:
    target = ROOT / "bench" / "results" / f"{name}.json"
    target.write_text(
        json.dumps({**data, "machine": machine(), "when": time.strftime("%Y-%m-%d %H:%M")}, indent=2) + "\n"
    )
    return target


def table(rows: list[list], headers: list[str]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=False)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False))
    body = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)) for row in rows]
    return "\n".join([line, "  ".join("-" * w for w in widths), *body])

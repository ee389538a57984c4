"""Load on a real stack (bench/stack.py: gunicorn, RQ workers, Redis, SQLite in a throwaway
folder): concurrent uploads over HTTP, many processes queued through the services, and an
account of where every one of them ended.

`queue_videos` and `account` run inside the stack, through `manage.py shell`, so they see its
database and Redis, not the test process's."""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.stack import Stack, wait_port
from tests.support.processes import kill_tree

ACTIVE = ("RECEIVED", "VALIDATING", "ENQUEUED", "PROCESSING")


def queue_videos(library_id: int, count: int, source: str) -> None:
    """`count` videos, each with its own copy of `source` stored and encoding started (as an upload does)."""
    from media_platform.models import Library
    from media_platform.services.videos import video_create, video_upload

    library = Library.objects.get(pk=library_id)
    for number in range(count):
        video = video_create(library=library, title=f"queued {number}")
        with open(source, "rb") as handle:
            video_upload(video=video, stream=handle)


def account() -> dict:
    """Where every video and process of the stack stands, and what RQ still holds."""
    import django_rq
    from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

    from media_platform.models import EncodingProcess, Video

    processes = list(EncodingProcess.objects.values("video_id", "status", "fail_message", "attempts"))
    finished_per_video = Counter(p["video_id"] for p in processes if p["status"] == "FINISHED")
    with_a_process = {p["video_id"] for p in processes}
    videos = list(Video.objects.values_list("pk", flat=True))
    rq = {}
    for name in ("high", "default", "low", "webhooks"):
        queue = django_rq.get_queue(name)
        rq[name] = {
            "queued": queue.count,
            "started": StartedJobRegistry(queue=queue).count,
            "scheduled": ScheduledJobRegistry(queue=queue).count,
            "failed": FailedJobRegistry(queue=queue).count,
        }
    return {
        "videos": len(videos),
        "processes": len(processes),
        "statuses": dict(Counter(p["status"] for p in processes)),
        "failed_without_message": sum(p["status"] == "FAILED" and not p["fail_message"] for p in processes),
        "failures": sorted({p["fail_message"][:200] for p in processes if p["status"] == "FAILED"}),
        "videos_without_a_process": sum(pk not in with_a_process for pk in videos),
        "videos_without_a_finished_process": sum(finished_per_video[pk] == 0 for pk in videos),
        "videos_finished_twice": sum(count > 1 for count in finished_per_video.values()),
        "processes_run_more_than_once": sum(p["attempts"] > 1 for p in processes),
        "rq": rq,
    }


def clean_rq() -> None:
    """What every RQ worker does at start-up and every 10 minutes: retry (or fail) the jobs of
    executions whose TTL ran out, and drop expired registry entries."""
    import django_rq
    from rq.registry import clean_registries

    for name in ("high", "default", "low", "webhooks"):
        clean_registries(django_rq.get_queue(name))


def run_in_stack(stack: Stack, call: str) -> str:
    return stack.manage("shell", "-c", f"from tests.support import load; {call}")


def stack_account(stack: Stack) -> dict:
    return json.loads(run_in_stack(stack, "import json; print(json.dumps(load.account()))").strip().splitlines()[-1])


def upload_concurrently(stack: Stack, source: Path, count: int) -> list[str]:
    """`count` clients at once, each creating a video and uploading `source` to it."""

    def one(number: int) -> str:
        guid = stack.create_video(f"upload {number}")
        stack.upload(guid, source)
        return guid

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def wait_drained(stack: Stack, expected: int, timeout: float, between: Callable[[], None] | None = None) -> dict:
    """Poll until every expected process has ended and RQ holds nothing; the last account.
    `between` runs before each look (a sweep, a supervisor restarting dead workers)."""
    deadline = time.time() + timeout
    while True:
        if between is not None:
            between()
        state = stack_account(stack)
        active = sum(state["statuses"].get(status, 0) for status in ACTIVE)
        held = sum(counts["queued"] + counts["started"] + counts["scheduled"] for counts in state["rq"].values())
        if (state["processes"] >= expected and not active and not held) or time.time() > deadline:
            return state
        time.sleep(2)


# --- faults on a running stack --------------------------------------------------------------
def workers(stack: Stack) -> list[subprocess.Popen]:
    return [child for child in stack.children if "rqworker" in child.args]


def kill_a_worker(stack: Stack, number: int) -> None:
    """SIGKILL one worker with its work horse and ffmpeg, as a crashed host would."""
    alive = [worker for worker in workers(stack) if worker.poll() is None]
    if alive:
        victim = alive[number % len(alive)]
        kill_tree(victim.pid)
        victim.wait()


def supervise(stack: Stack, count: int) -> None:
    """Keep `count` workers running, as a process supervisor does."""
    alive = sum(worker.poll() is None for worker in workers(stack))
    if alive < count:
        stack.start_workers(count - alive)


def restart_redis(stack: Stack) -> None:
    """Kill the stack's Redis and start an empty one on the same port."""
    redis = next(child for child in stack.children if child.args[0] == "redis-server")
    redis.kill()
    redis.wait()
    stack.children.remove(redis)
    stack.spawn(list(redis.args))
    wait_port(int(redis.args[redis.args.index("--port") + 1]))

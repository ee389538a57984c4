"""A rehearsal of the production shape (tests/support/production.py): PostgreSQL, Redis, S3 only,
gunicorn, two workers and cron as separate processes with nothing shared on disk. A long upload is
encoded in pieces on both workers; one worker is SIGKILLed mid-piece and Redis restarted empty; the
video still finishes exactly once, and headless Chromium plays it through the public URLs, whose
files come from the public S3 address, never the internal one."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

from media_platform.status import BunnyWebhookStatus
from tests.support.load import restart_redis
from tests.support.media import make_clip
from tests.support.processes import descendants
from tests.support.production import BUCKET, Production, start_production
from tests.support.receiver import Receiver, start_receiver

pytestmark = [pytest.mark.ffmpeg, pytest.mark.workers, pytest.mark.slow, pytest.mark.browser]
SECONDS, PIECE = 16, 4
SETTINGS = {
    "CHUNK_MIN_DURATION": "8",
    "CHUNK_SECONDS": str(PIECE),
    "PROCESS_HEARTBEAT_TIMEOUT": "15",  # a worker beats every 10 s
    "RECONCILE_INTERVAL": "2",
    "SSRF_ALLOWLIST": "127.0.0.1",  # the test's webhook receiver
}
VENDOR = Path(settings.BASE_DIR) / "media_platform/static/vendor"
PAGE = """<!doctype html><video id="v" muted playsinline></video>
<script src="/hls.min.js"></script>
<script>
  window.errors = [];
  const video = document.getElementById("v");
  const hls = new Hls();
  hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) window.errors.push(data.details); });
  hls.loadSource("PLAYLIST");
  hls.attachMedia(video);
  hls.on(Hls.Events.MANIFEST_PARSED, () => { video.playbackRate = 4; video.play(); });
</script>"""


@pytest.fixture
def receiver():
    """Where the library's webhooks go, and where the viewer's page comes from."""
    server = start_receiver()
    yield server
    server.server.shutdown()


@pytest.fixture
def production(tmp_path, receiver):
    stack = start_production(tmp_path, workers=2, webhook_url=f"{receiver.url}/hook", settings=SETTINGS)
    yield stack
    stack.stop()


def rq_pids(stack: Production) -> dict[str, int]:
    """RQ worker name → process id, from Redis."""
    connection = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    keys = connection.smembers("rq:workers")
    return {key.removeprefix("rq:worker:"): int(connection.hget(key, "pid") or 0) for key in keys}


def kill_a_worker_mid_piece(stack: Production, timeout: float = 120) -> tuple[str, set[int]]:
    """Wait until both workers encode a piece, then SIGKILL one while its ffmpeg runs; the killed
    role and the pids of the workers seen encoding pieces."""
    roles = {stack.roles[name].process.pid: name for name in stack.workers()}
    deadline = time.time() + timeout
    while time.time() < deadline:
        names = {row[0].rsplit(":", 1)[0] for row in stack.sql(
            "SELECT worker_name FROM media_platform_encodingchunk WHERE status = 'PROCESSING'")}  # fmt: skip
        busy = {pid for name, pid in rq_pids(stack).items() if name in names and pid in roles}
        encoding = {pid for pid in busy if any(_is_ffmpeg(child) for child in descendants(pid))}
        if len(busy) == 2 and encoding:
            victim = roles[min(encoding)]
            stack.kill(victim)
            return victim, busy
        time.sleep(0.02)
    raise AssertionError("the two workers were never seen encoding pieces at once")


def _is_ffmpeg(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == "ffmpeg"
    except OSError:
        return False


def wait_finished(stack: Production, guid: str, timeout: float = 240) -> dict:
    """Poll as a client does, the test acting as compose's restart policy meanwhile."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        stack.supervise()
        try:
            video = stack.video(guid)
        except Exception:  # noqa: BLE001 (web answers again once its workers reconnect)
            video = {}
        if video.get("status") in (4, 5):
            return video
        time.sleep(0.5)
    raise AssertionError(f"not finished: {stack.sql('SELECT status, attempts FROM media_platform_encodingchunk')}")


def wait_drained(stack: Production, timeout: float = 60) -> None:
    """Nothing pending: every webhook delivered, no job queued or running."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        stack.supervise()
        pending = stack.sql("SELECT count(*) FROM media_platform_webhookdelivery WHERE state = 'pending'")[0][0]
        connection = redis.Redis.from_url(stack.redis_url)
        queued = sum(connection.llen(f"rq:queue:{name}") for name in ("high", "default", "webhooks"))
        if not pending and not queued:
            return
        time.sleep(0.5)
    raise AssertionError("webhooks or jobs still pending")


def play(browser, stack: Production, guid: str, receiver: Receiver, folder: Path) -> dict:
    """hls.js in Chromium plays the public playlist to its end; every request it made. The viewer's
    page comes from the test's own loopback server (Chromium lets only loopback pages reach loopback)."""
    folder.mkdir()
    (folder / "index.html").write_text(PAGE.replace("PLAYLIST", f"{stack.base}/{guid}/playlist.m3u8"))
    receiver.files.update({"/index.html": folder / "index.html", "/hls.min.js": VENDOR / "hls.min.js"})
    page = browser.new_context().new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    internal = f"{stack.s3.endpoint}/"
    page.route(f"{internal}**", lambda route: route.abort())  # as the internal address is, from outside
    page.goto(f"{receiver.url}/index.html")
    page.wait_for_function("document.getElementById('v').ended || window.errors.length", timeout=90_000)
    state = page.evaluate(
        "() => { const v = document.getElementById('v');"
        " return {ended: v.ended, time: v.currentTime, frames: v.getVideoPlaybackQuality().totalVideoFrames,"
        " errors: window.errors}; }"
    )
    page.context.close()
    return {**state, "requests": requests, "internal": [url for url in requests if url.startswith(internal)]}


def test_the_production_shape_finishes_once_through_a_killed_worker_and_a_redis_restart_and_plays(
    production, receiver, browser, tmp_path
):
    stack = production
    assert stack.confined, "the kernel has no Landlock: writes outside the roles' folders would go unnoticed"
    source = make_clip(tmp_path / "long.mp4", size="640x360", duration=SECONDS)

    # given a long upload, cut into pieces that both workers take
    guid = stack.create_video("rehearsal")
    stack.upload(guid, source)
    # when one worker is SIGKILLed mid-piece, and Redis restarted empty
    victim, busy = kill_a_worker_mid_piece(stack)
    restart_redis(stack)
    video = wait_finished(stack, guid)
    wait_drained(stack)

    # then the video finished, once: one Finished webhook, one published set of outputs
    assert video["status"] == 4, video.get("transcodingMessages")
    assert len(busy) == 2 and stack.roles[victim].starts == 2
    processes = stack.sql("SELECT status, attempts FROM media_platform_encodingprocess")
    assert [status for status, _ in processes] == ["FINISHED"]
    pieces = stack.sql("SELECT kind, status, attempts FROM media_platform_encodingchunk ORDER BY index")
    assert len([kind for kind, _, _ in pieces if kind == "video"]) == SECONDS // PIECE
    assert all(status == "FINISHED" for _, status, _ in pieces) and max(a for _, _, a in pieces) >= 2, pieces
    hooks = [json.loads(received.body) for received in receiver.received]
    finished = [hook for hook in hooks if hook["Status"] == BunnyWebhookStatus.FINISHED]
    assert finished == [{"VideoLibraryId": stack.library["id"], "VideoGuid": guid, "Status": 3}], hooks
    (prefix,) = stack.sql("SELECT outputs_prefix FROM media_platform_video")[0]
    keys = stack.s3.keys(BUCKET)
    folders = {key.split("/")[2] for key in keys if key.startswith(f"videos/{guid}/")}
    # the fast-start copy it played from while the ladder encoded stays for its grace period, as
    # a retired plan's; any other folder would be a second published set
    retired = stack.sql("SELECT prefix FROM media_platform_playbackplan WHERE status = 'retired'")
    assert folders - {plan.rsplit("/", 1)[1] for (plan,) in retired} == {prefix.rsplit("/", 1)[1]}, folders

    # and Chromium plays it through the public URLs: playlists from web, segments from the public S3 address
    played = play(browser, stack, guid, receiver, tmp_path / "viewer")
    assert played["ended"] and not played["errors"] and played["frames"] > 0, json.dumps(played, indent=1)
    assert played["time"] >= SECONDS - 1
    assert not played["internal"], played["internal"]
    segments = [path for path in stack.public.served if path.endswith(".ts")]
    assert segments and all(path.startswith(f"/{BUCKET}/{prefix}/") for path in segments)
    assert not stack.public.refused, stack.public.refused

    # and the roles, which could write nowhere else, left nothing in their folders: no local media, and
    # no work files but the scratch of the piece the killed worker never finished
    stack.stop()
    roles = tmp_path / "roles"
    assert not list(roles.glob("*/media")), "files were stored locally, not only in S3"
    leftovers = {path.relative_to(roles).parts[:3] for path in roles.glob("*/work/**/*") if path.is_file()}
    assert {parts[0] for parts in leftovers} <= {victim} and len(leftovers) <= 1, leftovers

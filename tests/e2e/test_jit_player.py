"""hls.js plays a JIT video from start to end in headless Chromium: segments encoded as it asks
for them, a forced switch of rendition, and the full ladder published while it plays — with no
stall over a second and no hole in the timeline."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from media_platform.models import PlaybackPlan, Video
from tests.support.bunny import create_video
from tests.support.media import make_clip
from tests.support.workers import subprocess_env

pytestmark = [pytest.mark.browser, pytest.mark.workers, pytest.mark.ffmpeg, pytest.mark.django_db(transaction=True)]
VENDOR = Path(settings.BASE_DIR) / "media_platform/static/vendor"
PAGE = """<!doctype html><video id="v" muted playsinline></video>
<script src="/jit-player/hls.min.js"></script>
<script>
  const video = document.getElementById("v");
  window.levels = []; window.fragments = []; window.maxStall = 0; window.started = false;
  window.diagnostics = [];
  const hls = new Hls({startLevel: 0, capLevelToPlayerSize: false, maxBufferLength: 4});
  window.hls = hls;
  const ranges = (r) => Array.from({length: r.length}, (_, i) => [r.start(i).toFixed(3), r.end(i).toFixed(3)]);
  hls.on(Hls.Events.ERROR, (_, data) => window.diagnostics.push([data.details + (data.fatal ? " (fatal)" : ""),
    video.currentTime.toFixed(3), JSON.stringify(ranges(video.buffered)),
    data.frag ? [data.frag.level, data.frag.sn] : null, data.error ? String(data.error) : ""]));
  hls.on(Hls.Events.LEVEL_SWITCHED, (_, data) => window.levels.push(data.level));
  hls.on(Hls.Events.FRAG_LOADED, (_, data) => window.fragments.push([data.frag.level, data.frag.sn, Date.now()]));
  hls.loadSource("MASTER");
  hls.attachMedia(video);
  video.addEventListener("playing", () => { window.started = true; });
  // Half speed: the ladder, built meanwhile on the same two cores, is published mid-video.
  video.playbackRate = 0.5;
  video.play();
  let last = -1, since = performance.now();
  setInterval(() => {
    if (!window.started || video.paused || video.ended) { since = performance.now(); return; }
    if (video.currentTime !== last) { last = video.currentTime; since = performance.now(); }
    window.maxStall = Math.max(window.maxStall, performance.now() - since);
  }, 50);
</script>"""


def tolerated(diagnostic: list) -> bool:
    """The one thing hls.js reports that is not a gap or a stall: `aborted`, the load in flight
    when nextLevel is set, dropped for the new level's. A `bufferSeekOverHole` anywhere, the start
    included, fails: the timeline starts at PTS = DTS = 0 with sound and picture together."""
    details, *_ = diagnostic
    return details == "aborted"


def serve_page(page, origin: str, master: str) -> None:
    """The player page and hls.js, on the live server's own origin (Chromium keeps pages of
    another origin away from a loopback server); the rest comes from the server."""

    def fulfil(route):
        name = route.request.url.removeprefix(f"{origin}/jit-player/").split("?")[0]
        if name == "index.html":
            return route.fulfill(body=PAGE.replace("MASTER", master), content_type="text/html")
        if name == "hls.min.js":
            return route.fulfill(body=(VENDOR / name).read_bytes(), content_type="text/javascript")
        return route.fulfill(status=404)

    page.route(f"{origin}/jit-player/**", fulfil)


def test_hlsjs_plays_a_jit_video_through_a_switch_and_the_ladders_publish(page, live_server, bunny, library_keys):
    if not (VENDOR / "hls.min.js").exists():
        pytest.skip("the players are not vendored (make vendor)")
    source = make_clip(
        Path(settings.VAR_DIR) / "jit-e2e.mp4", size="640x360", duration=32, extra=["-g", "50", "-preset", "veryfast"]
    )
    guid = create_video(bunny, library_keys.id)
    url = f"/library/{library_keys.id}/videos/{guid}?jitEnabled=true"
    assert bunny.put(url, data=source.read_bytes(), content_type="application/octet-stream").status_code == 200
    assert Video.objects.get(guid=guid).status == 8

    serve_page(page, live_server.url, f"/{guid}/playlist.m3u8")
    page.goto(f"{live_server.url}/jit-player/index.html")
    worker = None
    try:
        page.wait_for_function("document.getElementById('v').currentTime > 1", timeout=60_000)
        # the full ladder is encoded (by a real worker process) while the player goes on
        command = [sys.executable, "manage.py", "rqworker", "high", "default", "low", "--burst"]
        worker = subprocess.Popen(command, cwd=settings.BASE_DIR, env=subprocess_env(), stdout=subprocess.DEVNULL)
        page.wait_for_function("document.getElementById('v').currentTime > 3", timeout=60_000)
        page.evaluate("window.hls.nextLevel = 1")  # force a switch to the other rendition, from the next segment
        while Video.objects.get(guid=guid).status != 4:
            assert not page.evaluate("document.getElementById('v').ended"), "the ladder was not published in time"
            page.wait_for_timeout(200)
        published_at, playing_at_publish = time.time() * 1000, page.evaluate("document.getElementById('v').currentTime")
        assert PlaybackPlan.objects.get(video__guid=guid).status == "retired"
        page.evaluate("window.hls.nextLevel = 0")  # and back down, now from the ladder
        page.wait_for_function("document.getElementById('v').ended", timeout=120_000)
    except PlaywrightTimeout:
        pytest.fail(f"hls.js did not play to the end: {page.evaluate('[window.diagnostics, window.levels]')}")
    finally:
        if worker is not None:
            worker.wait(timeout=300)

    diagnostics, levels, stall = page.evaluate("[window.diagnostics, window.levels, window.maxStall]")
    fragments = page.evaluate("window.fragments")
    problems = [d for d in diagnostics if not tolerated(d)]
    assert problems == [], diagnostics  # no hole, no stall, nothing fatal
    assert stall <= 1000, f"stalled {stall:.0f} ms"
    assert 0 in levels and 1 in levels
    assert playing_at_publish < 30  # published mid-playback …
    assert any(at > published_at for _, _, at in fragments)  # … and segments kept coming after it
    assert page.evaluate("document.getElementById('v').currentTime") > 31.5

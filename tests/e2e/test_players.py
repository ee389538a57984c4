"""Players in a real browser: dash.js plays the DASH packaging (in the clear, and CENC-encrypted
with ClearKey), and hls.js plays a library's AES-128 HLS through the platform's signed key URLs."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from media_platform.engine.spec import Cenc, DashJob
from media_platform.models import Video
from tests.engine.test_protection import KEY, KID, execute, ladder
from tests.support.bunny import create_video, upload
from tests.support.media import make_clip
from tests.support.workers import run_burst

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ORIGIN = "http://localhost:9"  # intercepted; localhost is a secure context, which EME needs
VENDOR = Path(settings.BASE_DIR) / "media_platform/static/vendor"
PAGE = """<!doctype html><video id="v" muted playsinline></video>
<script src="/dash.all.min.js"></script>
<script>
  const player = dashjs.MediaPlayer().create();
  window.errors = [];
  player.on(dashjs.MediaPlayer.events.ERROR, (e) => window.errors.push(JSON.stringify(e.error || e)));
  if (PROTECTION) player.setProtectionData(PROTECTION);
  player.initialize(document.getElementById("v"), "/playlist.mpd", true);
</script>"""


def b64url(hex_value: str) -> str:
    return base64.urlsafe_b64encode(bytes.fromhex(hex_value)).decode().rstrip("=")


def serve(page, folder: Path, protection: str = "null") -> None:
    """Everything under ORIGIN comes from `folder` (and dash.js from the vendored players)."""

    def fulfil(route):
        name = route.request.url.removeprefix(ORIGIN + "/").split("?")[0]
        if name == "index.html":
            return route.fulfill(body=PAGE.replace("PROTECTION", protection), content_type="text/html")
        path = VENDOR / name if name.endswith(".js") else folder / name
        if not path.is_file():
            return route.fulfill(status=404)
        types = {".mpd": "application/dash+xml", ".m4s": "video/iso.segment", ".js": "text/javascript"}
        return route.fulfill(body=path.read_bytes(), content_type=types.get(path.suffix, "application/octet-stream"))

    page.route(f"{ORIGIN}/**", fulfil)


def plays(page) -> None:
    page.goto(f"{ORIGIN}/index.html")
    try:
        page.wait_for_function("document.getElementById('v').currentTime > 1.5", timeout=30_000)
    except PlaywrightTimeout:
        pytest.fail(f"dash.js did not play: {page.evaluate('window.errors')}")
    assert page.evaluate("window.errors") == []


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return make_clip(tmp_path_factory.mktemp("players") / "clip.mp4", size="640x360", duration=4)


@pytest.mark.ffmpeg
def test_dash_plays_in_dashjs(page, source, tmp_path):
    if not (VENDOR / "dash.all.min.js").exists():
        pytest.skip("the players are not vendored (make vendor)")
    out = execute([DashJob(renditions=ladder(), segment_duration=1.0)], source, tmp_path / "dash")
    serve(page, out)
    plays(page)


@pytest.mark.ffmpeg
def test_cenc_dash_plays_in_dashjs_with_clearkey(page, source, tmp_path):
    if not (VENDOR / "dash.all.min.js").exists():
        pytest.skip("the players are not vendored (make vendor)")
    job = DashJob(renditions=ladder(), segment_duration=1.0, cenc=Cenc(key=KEY, key_id=KID))
    out = execute([job], source, tmp_path / "cenc")
    serve(page, out, json.dumps({"org.w3.clearkey": {"clearkeys": {b64url(KID): b64url(KEY)}}}))
    plays(page)


@pytest.mark.workers
def test_aes_hls_plays_in_hlsjs_with_signed_key_urls(logged_in, live_server, library_keys, bunny, clip, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    library = library_keys.library
    library.encrypt_hls, library.sign_key_requests, library.enabled_resolutions = True, True, "240p,360p"
    library.save()
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("aes.mp4", size="640x360", duration=4))
    run_burst()
    video = Video.objects.get(guid=guid)
    assert video.status == 4

    page = logged_in
    keys = []
    page.on("response", lambda r: keys.append((r.url, r.status)) if "/keys/" in r.url else None)
    page.goto(f"{live_server.url}/admin/media_platform/video/{video.pk}/change/")
    page.wait_for_selector("#mp-player[data-levels]")
    page.evaluate("() => document.getElementById('mp-player').play()")
    page.wait_for_function("document.getElementById('mp-player').currentTime > 1.5", timeout=30_000)

    assert keys and all(status == 200 and "token=" in url for url, status in keys)
    unsigned = keys[0][0].split("?")[0]
    assert page.evaluate("(url) => fetch(url).then((r) => r.status)", unsigned) == 403

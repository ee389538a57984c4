"""The files real uploads taught us about (issue 13), through the whole platform: uploaded, encoded
by a worker, reported by the API, every playlist valid for hls-parser's strict mode, and played
to the end by hls.js in headless Chromium without seeking over a hole."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from media_platform.engine.hls import parse_segments
from tests.support.bunny import create_video, get_video, output_path, upload
from tests.support.realworld import CASES, build
from tests.support.workers import run_burst

pytestmark = [pytest.mark.browser, pytest.mark.workers, pytest.mark.ffmpeg, pytest.mark.django_db(transaction=True)]
HLS_PARSER = Path(settings.BASE_DIR) / "var/npm/node_modules/hls-parser"
STRICT = Path(__file__).parents[1] / "support/hls_strict.js"
HLS_JS = Path(settings.BASE_DIR) / "media_platform/static/vendor/hls.min.js"
ORIGIN = "http://localhost:9"  # intercepted: the files come from the video's output folder
PAGE = """<!doctype html><video id="v" muted playsinline></video>
<script src="/hls.min.js"></script>
<script>
  window.errors = []; window.ended = false;
  const video = document.getElementById("v");
  const hls = new Hls();
  hls.on(Hls.Events.ERROR, (_, data) => window.errors.push(data.details + (data.fatal ? " (fatal)" : "")));
  hls.on(Hls.Events.MANIFEST_PARSED, () => video.play());
  video.addEventListener("ended", () => { window.ended = true; });
  hls.loadSource("/playlist.m3u8");
  hls.attachMedia(video);
</script>"""
SEEN = """() => { const v = document.getElementById("v"); const ranges = [];
  for (let i = 0; i < v.buffered.length; i++) ranges.push([v.buffered.start(i), v.buffered.end(i)]);
  return {errors: window.errors, ended: window.ended, duration: v.duration, buffered: ranges}; }"""

# name → what the API reports (width, height, framerate, length) and whether the outputs have sound
EXPECTED = {
    "odd-16x9-720x405.mp4": ((720, 405, 25.0, 1), True),
    "odd-640x465.mp4": ((640, 465, 25.0, 1), True),
    "short-container-24fps.mp4": ((320, 180, 24.0, 2), True),
    "one-frame.dv": ((768, 576, 25.0, 1), True),
    "one-fps.mp4": ((320, 240, 1.0, 2), True),
    "late-sound.mkv": ((320, 180, 25.0, 2), True),
    "anamorphic-pal.mp4": ((768, 576, 25.0, 1), True),
    "rotated-90.mp4": ((180, 320, 25.0, 1), True),
    "broken-sound.ogv": ((320, 240, 10.0, 2), False),
}


def test_the_corpus_is_complete():
    assert set(EXPECTED) == set(CASES)


def strict_errors(playlists: list[Path]) -> dict[str, str]:
    """hls-parser's strict verdict on each playlist: {file: error} for those it refuses."""
    result = subprocess.run(
        ["node", str(STRICT), str(HLS_PARSER), *map(str, playlists)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(verdicts) == len(playlists)
    return {v["file"]: v["error"] for v in verdicts if v["error"]}


def play(page, folder: Path) -> dict:
    """Play the master in `folder` with hls.js until it ends; what the player saw."""

    def fulfil(route):
        name = route.request.url.removeprefix(ORIGIN + "/").split("?")[0]
        if name == "index.html":
            return route.fulfill(body=PAGE, content_type="text/html")
        path = HLS_JS if name == "hls.min.js" else folder / name
        if not path.is_file():
            return route.fulfill(status=404)
        return route.fulfill(body=path.read_bytes(), content_type="application/octet-stream")

    page.route(f"{ORIGIN}/**", fulfil)
    page.goto(f"{ORIGIN}/index.html")
    try:
        page.wait_for_function("window.ended", timeout=30_000)
    except PlaywrightTimeout:
        pytest.fail(f"hls.js did not play to the end: {page.evaluate(SEEN)}")
    return page.evaluate(SEEN)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_a_real_world_file_encodes_validates_and_plays_to_the_end(name, page, bunny, library_keys, media_dir):
    if shutil.which("node") is None or not HLS_PARSER.exists() or not HLS_JS.exists():
        pytest.skip("hls-parser and hls.js are not installed (make vendor)")
    (width, height, framerate, length), sound = EXPECTED[name]
    library_keys.library.mp4_fallback = True
    library_keys.library.save()
    guid = create_video(bunny, library_keys.id, name)
    upload(bunny, library_keys.id, guid, build(name, media_dir))

    run_burst()

    video = get_video(bunny, library_keys.id, guid)
    assert video["status"] == 4, video["transcodingMessages"]
    assert (video["width"], video["height"], video["framerate"], video["length"]) == (width, height, framerate, length)
    assert not [m for m in video["transcodingMessages"] if (m["level"], m["issueCode"]) == (2, 2)]  # no "glitches"
    master = output_path(guid, "playlist.m3u8")
    variants = [master.parent / uri for uri in re.findall(r"^(\S+\.m3u8)$", master.read_text(), re.M)]
    assert strict_errors([master, *variants]) == {}
    assert all(("mp4a" in codecs) is sound for codecs in re.findall(r'CODECS="([^"]+)"', master.read_text()))
    seconds = sum(s.duration for s in parse_segments(variants[0].read_text()))

    seen = play(page, master.parent)

    assert "bufferSeekOverHole" not in seen["errors"] and seen["errors"] == [], seen
    assert seen["buffered"][0][0] == 0, seen  # the first segment starts at 0
    assert seen["duration"] == pytest.approx(seconds, abs=0.05), seen  # a 2 s video is 2 s long, not 3

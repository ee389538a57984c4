"""The embed page in headless Chromium: it plays; OEmbed's iframe is that page; what a viewer watched
shows in bunny's statistics and heatmap; a VP9 ladder added by enabledOutputCodecs plays too."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from media_platform.jobs.maintenance import fold_playback_stats
from tests.support.bunny import create_video
from tests.support.workers import run_burst

pytestmark = [pytest.mark.workers, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def platform(live_server, library_keys, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    settings.ENCODER_PRESET = "ultrafast"
    library = library_keys.library
    library.enabled_resolutions = "240p"
    library.save()
    return live_server


def encoded(bunny, library_keys, source, **query) -> str:
    guid = create_video(bunny, library_keys.id, "Embedded")
    suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    response = bunny.put(
        f"/library/{library_keys.id}/videos/{guid}{suffix}",
        data=source.read_bytes(),
        content_type="application/octet-stream",
    )
    assert response.status_code == 200, response.content
    run_burst()
    video = bunny.get(f"/library/{library_keys.id}/videos/{guid}").json()
    assert video["status"] == 4, video["transcodingMessages"]
    return guid


def wait_playing(frame, until: float, timeout: int = 60_000) -> None:
    try:
        frame.wait_for_function(f"document.getElementById('player').currentTime > {until}", timeout=timeout)
    except PlaywrightTimeout:
        pytest.fail(f"the embed page did not play: {frame.evaluate('window.embedErrors')}")


def test_a_viewer_watching_half_shows_in_statistics_and_heatmap(page, platform, bunny, library_keys, clip):
    # given a 40 s video (ten 4-s segments), never watched
    guid = encoded(bunny, library_keys, clip("half.mp4", size="320x180", duration=40))
    lib = library_keys.id
    assert bunny.get(f"/library/{lib}/videos/{guid}/heatmap").json() == {"heatmap": {}}

    # when a viewer plays the embed page to the middle and stops (in real time: the player buffers
    # 8 s ahead, so the last segments are never fetched)
    page.goto(f"{platform.url}/embed/{lib}/{guid}?muted=true&autoplay=true")
    wait_playing(page, 20)
    page.evaluate("document.getElementById('player').pause()")
    page.close()
    fold_playback_stats()  # what the periodic job does every minute

    # then one view, watch time of about the part fetched, and a heatmap hot at the start, cold at the end
    stats = bunny.get(f"/library/{lib}/statistics", {"videoGuid": guid}).json()
    assert sum(stats["viewsChart"].values()) == 1
    assert 20 <= sum(stats["watchTimeChart"].values()) < 40
    heatmap = bunny.get(f"/library/{lib}/videos/{guid}/heatmap").json()["heatmap"]
    assert len(heatmap) == 10
    assert [heatmap[str(i)] for i in range(5)] == [100] * 5
    assert heatmap["9"] == 0
    video = bunny.get(f"/library/{lib}/videos/{guid}").json()
    assert video["views"] == 1 and 0 < video["averageWatchTime"] < 40


def test_oembed_returns_the_iframe_of_an_embed_page_that_plays(page, platform, bunny, library_keys, clip, api):
    guid = encoded(bunny, library_keys, clip("embed.mp4", size="320x180", duration=6))
    url = f"{platform.url}/embed/{library_keys.id}/{guid}"
    oembed = api.get("/OEmbed", {"url": url, "maxWidth": 480})
    assert oembed.status_code == 200
    body = oembed.json()
    assert (body["type"], body["version"], body["title"], body["width"], body["height"]) == (
        "video", "1.0", "Embedded", 480, 270,
    )  # fmt: skip
    assert body["html"].startswith(f'<iframe src="{url}"') and body["thumbnailUrl"].endswith("/thumbnail.jpg")

    # the iframe, placed in a page, plays
    page.set_content(f"<!doctype html><body>{body['html']}</body>")
    frame = page.wait_for_selector("iframe").content_frame()
    frame.wait_for_selector("#player")
    frame.evaluate("(() => { const v = document.getElementById('player'); v.muted = true; v.play(); })()")
    wait_playing(frame, 1.5)


def test_a_vp9_ladder_is_listed_in_the_master_and_plays_in_chromium(page, platform, bunny, library_keys, clip):
    # given an upload asking for x264 and vp9
    guid = encoded(bunny, library_keys, clip("vp9.mp4", size="320x180", duration=6), enabledOutputCodecs="x264,vp9")
    video = bunny.get(f"/library/{library_keys.id}/videos/{guid}").json()
    assert video["outputCodecs"] == "x264,vp9" and video["availableResolutions"] == "180p"
    master = page.request.get(f"{platform.url}/{guid}/playlist.m3u8").text()
    assert "avc1." in master and "vp09." in master

    # when hls.js, preferring VP9, plays the master
    page.goto(f"{platform.url}/embed/{library_keys.id}/{guid}")
    page.evaluate(
        """(url) => {
          window.hls.destroy();
          const video = document.getElementById('player');
          const hls = new Hls({videoPreference: {videoCodec: 'vp09'}});
          window.hls = hls;
          hls.loadSource(url);
          hls.attachMedia(video);
          video.muted = true;
          video.play();
        }""",
        f"{platform.url}/{guid}/playlist.m3u8",
    )
    wait_playing(page, 1.5)

    # then the rendition playing is the VP9 one
    codec = page.evaluate("window.hls.levels[window.hls.currentLevel].videoCodec")
    assert codec.startswith("vp09"), codec

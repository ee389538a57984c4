"""An operator in a real browser: query the videos, reencode one, watch its progress bar reach 100
without reloading, then play its HLS ladder on the video page."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.conf import settings

from media_platform.models import Video
from media_platform.status import VideoStatus
from tests.support.bunny import create_video, upload
from tests.support.workers import run_subprocess_worker, subprocess_env

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LIST = "/admin/media_platform/video/"


def test_the_query_box_filters_and_points_at_errors(logged_in, live_server, library_keys):
    page = logged_in
    for title, status in [("Launch day", 4), ("Launch recap", 4), ("Broken upload", 6)]:
        Video.objects.create(library=library_keys.library, title=title, status=status)
    page.goto(live_server.url + LIST)
    assert page.locator("#result_list tbody tr").count() == 3

    # a query with a mistake: the list is empty and the caret points at the spot
    page.fill("#mp-query-input", "status = 'finished' AND title =")
    page.press("#mp-query-input", "Enter")
    page.wait_for_selector("#mp-query-error")
    assert "at position 31" in page.inner_text(".mp-query-message")
    assert page.inner_text(".mp-caret") == " " * 31 + "^"
    assert page.locator("#result_list tbody tr").count() == 0

    # the corrected query filters the list, and a search keeps it
    page.fill("#mp-query-input", "status = 'finished' ORDER BY title DESC")
    page.press("#mp-query-input", "Enter")
    page.wait_for_selector(".mp-query-summary")
    assert page.locator("#result_list tbody tr").count() == 2
    page.fill("#searchbar", "recap")
    page.press("#searchbar", "Enter")
    page.wait_for_selector(".mp-query-summary")
    assert page.locator("#result_list tbody tr").count() == 1
    assert page.input_value("#mp-query-input") == "status = 'finished' ORDER BY title DESC"


def start_worker() -> subprocess.Popen:
    command = [sys.executable, "manage.py", "rqworker", "high", "default", "low", "--burst"]
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=subprocess_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


@pytest.mark.workers
def test_reencode_progress_and_playback(logged_in, live_server, bunny, library_keys, clip, artifacts):
    # given a real upload, encoded once by a real worker, beside a video the query leaves out
    guid = create_video(bunny, library_keys.id, title="E2E clip")
    upload(bunny, library_keys.id, guid, clip("e2e-admin.mp4", size="640x360", duration=6))
    Video.objects.create(library=library_keys.library, title="Decoy", status=VideoStatus.FINISHED)
    first = run_subprocess_worker(["high", "default", "low"])
    assert first.returncode == 0, first.stderr[-2000:]
    video = Video.objects.get(guid=guid)
    assert video.status == VideoStatus.FINISHED

    # when the operator filters with a query and runs Reencode on the one row
    page = logged_in
    page.goto(live_server.url + LIST)
    page.fill("#mp-query-input", "title = 'E2E clip'")
    page.press("#mp-query-input", "Enter")
    page.wait_for_selector(".mp-query-summary")
    assert page.locator("#result_list tbody tr").count() == 1
    page.check("#result_list tbody input.action-select")
    page.select_option("select[name=action]", "reencode_videos")
    page.click("button[name=index]")
    page.wait_for_selector("ul.messagelist li.success")
    assert "Queued 1 video for reencoding." in page.inner_text("ul.messagelist")

    # then, with a worker running, the bar moves to 100 and the badge turns Finished, in the same page
    bar = f'[data-mp-bar="video"][data-mp-id="{video.pk}"]'
    badge = f'[data-mp-badge="video"][data-mp-id="{video.pk}"]'
    page.wait_for_selector(bar, state="visible")
    page.evaluate(
        """(bar) => {
            window.mpSamePage = true;
            window.mpSeen = [];
            const el = document.querySelector(bar);
            new MutationObserver(() => window.mpSeen.push(el.getAttribute('data-progress')))
                .observe(el, {attributes: true, attributeFilter: ['data-progress']});
        }""",
        bar,
    )
    worker = start_worker()
    try:
        page.wait_for_function(
            "([bar, badge]) => document.querySelector(bar).getAttribute('data-progress') === '100'"
            " && document.querySelector(badge).textContent === 'Finished'",
            arg=[bar, badge],
            timeout=120_000,
        )
        assert page.evaluate("window.mpSamePage") is True  # no reload happened
        (artifacts / "admin-progress-seen.json").write_text(json.dumps(page.evaluate("window.mpSeen")))
        assert page.locator(bar).is_visible() and page.inner_text(f"{bar} .mp-bar-text") == "100%"
        page.screenshot(path=str(artifacts / "admin-video-list.png"), full_page=True)
        assert worker.wait(timeout=120) == 0, worker.stderr.read()[-2000:]
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert Video.objects.get(pk=video.pk).status == VideoStatus.FINISHED

    # and the video page plays the ladder it published
    page.goto(f"{live_server.url}{LIST}{video.pk}/change/")
    page.wait_for_selector("#mp-player[data-levels]")
    levels = page.get_attribute("#mp-player", "data-levels")
    assert levels.split(",") == [f"{r}" for r in Video.objects.get(pk=video.pk).resolutions]
    page.evaluate("() => { const v = document.getElementById('mp-player'); v.muted = true; return v.play(); }")
    page.wait_for_function("document.getElementById('mp-player').currentTime > 1.5", timeout=30_000)
    assert page.locator(".mp-outputs tbody tr").count() > 0
    page.screenshot(path=str(artifacts / "admin-video-page.png"), full_page=True)

    # and the newest process's page shows what ran
    process = video.processes.order_by("-created_at").first()
    page.goto(f"{live_server.url}/admin/media_platform/encodingprocess/{process.pk}/change/")
    assert "ffmpeg" in page.inner_text(".mp-command") and page.inner_text(".mp-badge") == "Finished"
    page.screenshot(path=str(artifacts / "admin-process-page.png"), full_page=True)

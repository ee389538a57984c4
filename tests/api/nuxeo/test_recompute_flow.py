"""Recompute over a real worker: the command completes, matched videos are re-encoded, others untouched."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from media_platform.models import EncodingProcess, Video
from tests.support.bunny import create_video, upload
from tests.support.workers import run_burst

from .conftest import RECOMPUTE, SAMPLE_QUERY, post_form

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers]


def uploaded(bunny, library_keys, clip, *titles: str) -> dict[str, Video]:
    for title in titles:
        upload(bunny, library_keys.id, create_video(bunny, library_keys.id, title), clip("flow.mp4", duration=1))
    run_burst()
    videos = {video.title: video for video in Video.objects.filter(title__in=titles)}
    assert all(video.status == 4 for video in videos.values())
    return videos


def follow(nuxeo, command_id: str) -> dict:
    run_burst()
    response = nuxeo.get(f"/api/v1/bulk/{command_id}")
    assert response.status_code == 200
    return response.json()


def test_the_seed_sample_recomputes_every_video_to_completion(nuxeo, bunny, library_keys, clip):
    videos = uploaded(bunny, library_keys, clip, "one", "two")
    created = post_form(nuxeo, RECOMPUTE, urlencode({"query": SAMPLE_QUERY})).json()
    assert created["state"] == "SCHEDULED"

    status = follow(nuxeo, created["commandId"])

    assert status["state"] == "COMPLETED" and status["processed"] == status["total"] == 2
    assert status["errorCount"] == 0 and status["error"] is False
    assert all(status[key] for key in ("scrollStart", "scrollEnd", "processingStart", "processingEnd", "completed"))
    for video in videos.values():
        processes = EncodingProcess.objects.filter(video=video).order_by("created_at", "id")
        assert [p.status for p in processes] == ["FINISHED", "FINISHED"]
        assert processes.last().dialect == "nuxeo"
        fresh = Video.objects.get(pk=video.pk)
        assert fresh.status == 4 and fresh.outputs_prefix != video.outputs_prefix


def test_only_the_videos_the_query_selects_are_reencoded(nuxeo, bunny, library_keys, clip):
    videos = uploaded(bunny, library_keys, clip, "chosen", "left alone")
    body = urlencode({"query": "SELECT * FROM Document WHERE dc:title = 'chosen'"})
    status = follow(nuxeo, post_form(nuxeo, RECOMPUTE, body).json()["commandId"])

    assert status["state"] == "COMPLETED" and status["processed"] == status["total"] == 1
    assert EncodingProcess.objects.filter(video=videos["chosen"], status="FINISHED").count() == 2
    assert EncodingProcess.objects.filter(video=videos["left alone"]).count() == 1
    untouched = Video.objects.get(pk=videos["left alone"].pk)
    assert untouched.outputs_prefix == videos["left alone"].outputs_prefix


def test_the_default_query_picks_videos_without_outputs_and_counts_missing_originals(nuxeo, bunny, library_keys, clip):
    uploaded(bunny, library_keys, clip, "encoded")
    create_video(bunny, library_keys.id, "never uploaded")
    status = follow(nuxeo, post_form(nuxeo, RECOMPUTE, "").json()["commandId"])
    assert status["state"] == "COMPLETED"
    assert (status["total"], status["processed"], status["errorCount"], status["error"]) == (1, 0, 1, True)

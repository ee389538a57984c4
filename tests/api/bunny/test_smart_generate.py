"""Transcribe and Smart Generate on real encodes: captions from speech (webhook 9), a title and a
description from what is said (webhook 10), chapters and moments where the picture changes."""

from __future__ import annotations

import subprocess

import pytest

from media_platform.models import WebhookDelivery
from tests.support.bunny import create_video, upload
from tests.support.speech import make_speech_clip
from tests.support.workers import run_burst

pytestmark = pytest.mark.django_db(transaction=True)
WORK = ["high", "default", "low"]  # not the webhook queue: its deliveries are looked at, not sent


@pytest.fixture
def library(library_keys, settings):
    settings.ENCODER_PRESET = "ultrafast"
    library = library_keys.library
    library.enabled_resolutions, library.webhook_url = "240p", "https://hooks.example.com/bunny"
    library.save()
    return library_keys


def encoded(bunny, lib: int, path) -> str:
    guid = create_video(bunny, lib, "Untitled upload")
    upload(bunny, lib, guid, path)
    run_burst(WORK)
    return guid


def statuses(guid: str) -> list[int]:
    return [d.payload["Status"] for d in WebhookDelivery.objects.filter(video_guid=guid).order_by("id")]


@pytest.mark.ffmpeg
@pytest.mark.workers
def test_transcribe_makes_captions_a_title_and_a_description(bunny, library, tmp_path):
    guid = encoded(bunny, library.id, make_speech_clip(tmp_path / "speech.mp4"))
    base = f"/library/{library.id}/videos/{guid}"

    response = bunny.post(
        f"{base}/transcribe?language=en", {"generateTitle": True, "generateDescription": True}, format="json"
    )
    assert response.status_code == 200
    queued = bunny.get(base).json()
    assert queued["smartGenerateFeaturesStatus"] == {"title": 1, "description": 1, "chapters": None, "moments": None}
    assert queued["smartGenerateStatus"] == 1
    run_burst(WORK)

    video = bunny.get(base).json()
    assert [c["srclang"] for c in video["captions"]] == ["en"] and video["captions"][0]["label"] == "English (auto)"
    heard = (video["title"] + " " + video["description"]).lower()
    assert video["title"] != "Untitled upload" and any(w in heard for w in ("fox", "dog", "captions", "video"))
    assert video["description"] and video["description"][0].isupper()
    assert video["smartGenerateFeaturesStatus"] == {"title": 3, "description": 3, "chapters": None, "moments": None}
    assert video["smartGenerateStatus"] == 3
    assert 9 in statuses(guid) and 10 in statuses(guid)

    again = bunny.post(f"{base}/transcribe", {}, format="json")
    assert again.status_code == 400 and "force" in again.json()["message"]
    assert bunny.post(f"{base}/transcribe?force=true", {}, format="json").status_code == 200


@pytest.mark.ffmpeg
@pytest.mark.workers
def test_smart_generate_finds_chapters_and_moments_where_the_picture_changes(bunny, library, tmp_path):
    # given a silent video: six seconds of red, then six of a test pattern
    clip = tmp_path / "cut.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=red:size=320x180:duration=6:rate=25",
         "-f", "lavfi", "-i", "testsrc2=size=320x180:duration=6:rate=25",
         "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-c:v", "libx264",
         "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(clip)],
        check=True, timeout=60,
    )  # fmt: skip
    guid = encoded(bunny, library.id, clip)
    base = f"/library/{library.id}/videos/{guid}"

    body = {"generateTitle": True, "generateChapters": True, "generateMoments": True}
    assert bunny.post(f"{base}/smart", body, format="json").status_code == 200
    run_burst(WORK)

    video = bunny.get(base).json()
    assert [(c["start"], c["end"]) for c in video["chapters"]] == [(0, 6), (6, 12)]
    assert [m["timestamp"] for m in video["moments"]] == [6] and video["moments"][0]["label"] == "Scene change"
    # nothing is said: no title (Failed), the rest Finished; Failed comes before Finished in the aggregate
    assert video["title"] == "Untitled upload"
    assert video["smartGenerateFeaturesStatus"] == {"title": 4, "description": None, "chapters": 3, "moments": 3}
    assert video["smartGenerateStatus"] == 4
    assert 10 not in statuses(guid)


def test_smart_generate_needs_a_feature_and_a_source(bunny, library):
    guid = create_video(bunny, library.id)
    base = f"/library/{library.id}/videos/{guid}"
    assert bunny.post(f"{base}/smart", {}, format="json").status_code == 400
    response = bunny.post(f"{base}/smart", {"generateTitle": True}, format="json")
    assert response.status_code == 400 and "original" in response.json()["message"]
    assert bunny.post(f"{base}/transcribe", {"sourceLanguage": "not a code"}, format="json").status_code == 400

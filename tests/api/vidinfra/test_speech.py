"""`speech_to_text`: the example's format is accepted as published, and a job writes the files it
asks for (transcript.txt, transcript.json, subtitles.srt, subtitles.vtt) to its destination, lists
them in GET /jobs/{id}, and fails softly on a source without sound."""

from __future__ import annotations

import json

import pytest

from media_platform.engine.captions import cue_count, to_webvtt
from media_platform.engine.spec import SpeechToTextJob, job_from_json
from media_platform.models import EncodingJob, EncodingProcess
from tests.support.speech import SENTENCES, make_speech_clip, word_error_rate
from tests.support.workers import run_burst

from .conftest import Buckets, load_seed, supported

pytestmark = pytest.mark.django_db(transaction=True)
SOURCE = {"type": "s3", "bucket": "x", "path": "/video.mp4", "key": "k", "secret": "s"}
DESTINATION = {"type": "s3", "bucket": "x", "key": "k", "secret": "s"}


@pytest.fixture
def spoken_buckets(s3, media_dir):
    return Buckets(s3, make_speech_clip(media_dir / "vidinfra-spoken.mp4"))


def speech_format(**fields) -> dict:
    return {"output": "speech_to_text", "destination": {**DESTINATION, "path": "/stt"}, **fields}


def test_the_examples_speech_to_text_format_is_accepted_and_echoed(vidinfra, buckets):
    seed = load_seed()
    body = supported(seed)
    body["format"].append(seed["format"][6])

    response = vidinfra.post("/jobs", buckets.point(body), format="json")

    assert response.status_code == 200, response.json()
    shown = response.json()["result"]["format"][-1]
    assert {k: shown[k] for k in ("output", "transcript", "json", "srt", "vtt", "mode")} == {
        "output": "speech_to_text", "transcript": 1, "json": 1, "srt": 1, "vtt": 1, "mode": "balanced",
    }  # fmt: skip
    assert shown["destination"]["secret"].startswith("****")  # masked
    row = EncodingJob.objects.get(process__public_id=response.json()["result"]["id"], kind="speech_to_text")
    assert job_from_json(row.spec) == SpeechToTextJob(prefix="f6", mode="balanced")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "format[0].transcript", "ask for at least one of transcript, json, srt, vtt (set it to 1)"),
        ({"vtt": 1, "mode": "slow"}, "format[0].mode", "mode must be one of: fast, balanced, accurate"),
        ({"srt": 1, "vtt": 2}, "format[0].vtt", "vtt must be 0 or 1"),
    ],
)
def test_a_speech_format_that_asks_for_nothing_or_a_mode_that_does_not_exist_is_refused(
    vidinfra, buckets, fields, field, message
):
    body = buckets.point({"source": SOURCE, "format": [speech_format(**fields)]})

    response = vidinfra.post("/jobs", body, format="json")

    assert response.status_code == 400
    assert response.json()["result"]["errors"] == [{"field": field, "message": message}]
    assert not EncodingProcess.objects.exists()


@pytest.mark.ffmpeg
@pytest.mark.workers
def test_the_files_asked_for_are_written_to_the_destination_and_listed(vidinfra, spoken_buckets, tmp_path):
    body = spoken_buckets.point(
        {"source": SOURCE, "format": [speech_format(transcript=1, srt=1, vtt=1, json=0, mode="fast")]}
    )
    job_id = vidinfra.post("/jobs", body, format="json").json()["result"]["id"]

    run_burst()

    job = vidinfra.get(f"/jobs/{job_id}").json()["result"]
    assert (job["status"], job["progress"], job["error"]) == ("completed", 100.0, "")
    (output,) = job["outputs"]
    assert (output["output"], output["status"]) == ("speech_to_text", "completed")
    listed = {(f["path"], f["type"], f["bucket"]) for f in output["files"]}
    bucket = spoken_buckets.destination
    assert listed == {
        ("stt/transcript.txt", "transcript", bucket),
        ("stt/subtitles.srt", "subtitles", bucket),
        ("stt/subtitles.vtt", "subtitles", bucket),
    }
    assert all(f["size"] > 0 for f in output["files"])
    assert sorted(spoken_buckets.s3.keys(bucket)) == ["stt/subtitles.srt", "stt/subtitles.vtt", "stt/transcript.txt"]
    client = spoken_buckets.s3.client()

    def read(key: str) -> str:
        return client.get_object(Bucket=bucket, Key=key)["Body"].read().decode()

    transcript = read("stt/transcript.txt")
    assert word_error_rate(" ".join(SENTENCES), transcript) < 0.25, transcript
    vtt, srt = read("stt/subtitles.vtt"), read("stt/subtitles.srt")
    assert vtt.startswith("WEBVTT\n") and cue_count(vtt) >= 2
    assert cue_count(to_webvtt(srt.encode())) == cue_count(vtt)


@pytest.mark.workers
def test_a_source_without_sound_fails_the_format_softly_when_allowed(vidinfra, s3, clip):
    silent = Buckets(s3, clip("vidinfra-silent.mp4", duration=1, audio=False))
    formats = [
        speech_format(json=1, allow_soft_fail=1),
        {"output": "thumbnail", "destination": {**DESTINATION, "path": "/thumb"}},
    ]
    job_id = vidinfra.post("/jobs", silent.point({"source": SOURCE, "format": formats}), format="json").json()[
        "result"
    ]["id"]

    run_burst()

    job = vidinfra.get(f"/jobs/{job_id}").json()["result"]
    assert job["status"] == "partially_failed"
    speech, thumbnail = job["outputs"]
    assert (speech["status"], speech["files"]) == ("failed", [])
    assert "no audio" in speech["error"]
    assert thumbnail["status"] == "completed"
    assert silent.s3.keys(silent.destination) == ["thumb/thumbnail.jpg"]
    assert any("no audio" in m["message"] for m in job["messages"])


@pytest.mark.workers
def test_without_soft_fail_a_source_without_sound_fails_the_job(vidinfra, s3, clip):
    silent = Buckets(s3, clip("vidinfra-silent.mp4", duration=1, audio=False))
    body = silent.point({"source": SOURCE, "format": [speech_format(vtt=1)]})
    job_id = vidinfra.post("/jobs", body, format="json").json()["result"]["id"]

    run_burst()

    job = vidinfra.get(f"/jobs/{job_id}").json()["result"]
    assert job["status"] == "failed" and "no audio" in job["error"]
    assert json.loads(json.dumps(job["outputs"]))[0]["status"] == "failed"

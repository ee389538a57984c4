"""Sources and destinations beyond the library's storage: http(s) URLs and s3:// URLs."""

from __future__ import annotations

import json

import pytest

from media_platform.models import EncodingJob, EncodingProcess
from tests.support.media import ffprobe
from tests.support.s3 import SECRET
from tests.support.workers import run_burst

from . import seed
from .conftest import send, stored
from .test_validation import s3_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers]


def finished(slashed, body: dict) -> dict:
    response = send(slashed, body)
    assert response.status_code == 200, response.json()
    run_burst()
    detail = slashed.get(f"/status/detailed/{response.json()['process_id']}").json()
    assert detail["status"] == "FINISHED", slashed.get(f"/status/{detail['process_id']}").json()
    return detail


def test_an_s3_source_encodes_to_s3_destinations(slashed, library_keys, clip, s3, tmp_path):
    source_bucket, out = s3.bucket(), s3.bucket()
    s3.client().upload_file(str(clip("slashed-360.mp4", size="640x360", duration=2)), source_bucket, "in/video.mp4")
    jobs = [
        {**seed.ENCODE, "video_codec": "h264", "destination": s3_url(s3, out, "encoded/small.mp4"),
         "transformations": [seed.RESIZE]},
        {**seed.STORYBOARD, "destination_dir": s3_url(s3, out, "boards/one/"), "interval": 1},
        {**seed.SCREENSHOTS, "quantity": 2, "destination": s3_url(s3, out, "shots/s_%d.jpg")},
        seed.SCREENSHOT,  # and one to the library's storage
    ]  # fmt: skip
    detail = finished(slashed, seed.request(library_keys.id, *jobs, source=s3_url(s3, source_bucket, "in/video.mp4")))

    assert s3.keys(out) == [
        "boards/one/storyboard.jpg",
        "boards/one/vtt.vtt",
        "encoded/small.mp4",
        "shots/s_1.jpg",
        "shots/s_2.jpg",
    ]
    s3.client().download_file(out, "encoded/small.mp4", str(tmp_path / "small.mp4"))
    video = ffprobe(tmp_path / "small.mp4")["streams"][0]
    assert (video["codec_name"], video["width"], video["height"]) == ("h264", 480, 270)
    assert stored(library_keys.id, "mydirectory/original/test.jpg").exists()
    assert [job["file_name"] for job in detail["jobs"]] == [
        f"s3://{out}/encoded/small.mp4",
        f"s3://{out}/boards/one/storyboard.jpg",
        f"s3://{out}/shots/s_%d.jpg",
        "/mydirectory/original/test.jpg",
    ]
    assert detail["source"]["file_name"] == f"s3://{source_bucket}/in/video.mp4"

    # the keys are kept encrypted or masked, never in clear
    process = EncodingProcess.objects.get()
    stored_rows = [process.source, process.request, *EncodingJob.objects.values_list("destination", flat=True)]
    assert SECRET not in json.dumps(stored_rows) and "****" in json.dumps(process.request)


def test_an_http_source_and_watermark_are_fetched(slashed, library_keys, clip, receiver, mark_png):
    receiver.files["/videos/in.mp4"] = clip("slashed-360.mp4", size="640x360", duration=2)
    receiver.files["/mark.png"] = mark_png
    watermark = {**seed.WATERMARK, "source": f"{receiver.url}/mark.png", "width": "20%", "opacity": 0.5}
    job = seed.with_transformations({**seed.ENCODE, "video_codec": "h264", "destination": "w.mp4"}, watermark)
    detail = finished(slashed, seed.request(library_keys.id, job, source=f"{receiver.url}/videos/in.mp4"))
    video = ffprobe(stored(library_keys.id, "w.mp4"))["streams"][0]
    assert (video["width"], video["height"]) == (640, 360)
    assert detail["source"]["file_name"] == f"{receiver.url}/videos/in.mp4"


def test_an_http_source_that_is_missing_fails_the_process(slashed, library_keys, receiver):
    response = send(slashed, seed.request(library_keys.id, seed.SCREENSHOT, source=f"{receiver.url}/nothing.mp4"))
    run_burst()
    status = slashed.get(f"/status/{response.json()['process_id']}").json()
    assert status["status"] == "FAILED" and "404" in status["fail_message"]

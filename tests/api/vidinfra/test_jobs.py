"""GET /jobs, GET/PUT/DELETE /jobs/{id}: pages, updates while queued, cancelling, one library's
jobs only, and the envelope on every error."""

from __future__ import annotations

import json

import pytest

from media_platform.crypto import decrypt
from media_platform.models import EncodingJob, EncodingProcess
from media_platform.services.libraries import library_create
from media_platform.services.pipeline import encoding_process_create
from tests.support.workers import run_burst

pytestmark = pytest.mark.django_db(transaction=True)
CREDENTIALS = {"key": "access-key-1234", "secret": "secret-key-5678"}
NOT_FOUND = {"message": "Transcoding job not found", "result": None, "success": False}


def thumbnail_body(buckets, path="/thumbs", **extra) -> dict:
    destination = {"type": "s3", "bucket": "x", "path": path, **CREDENTIALS}
    return buckets.point(
        {
            "source": {"type": "s3", "bucket": "x", "path": "/video.mp4", **CREDENTIALS},
            "format": [{"output": "thumbnail", "time": "00:00:01", "width": 160, "destination": destination}],
            **extra,
        }
    )


def create(vidinfra, buckets, **extra) -> str:
    response = vidinfra.post("/jobs", thumbnail_body(buckets, **extra), format="json")
    assert response.status_code == 200, response.json()
    return response.json()["result"]["id"]


@pytest.mark.workers
def test_get_a_job_after_it_ran(vidinfra, buckets):
    job_id = create(vidinfra, buckets, video_id="v-1")
    run_burst()

    data = vidinfra.get(f"/jobs/{job_id}").json()

    assert (data["message"], data["success"]) == ("Transcoding job retrieved successfully", True)
    job = data["result"]
    assert (job["id"], job["video_id"], job["status"], job["progress"]) == (job_id, "v-1", "completed", 100.0)
    assert job["started_at"] and job["finished_at"] and job["error"] == ""
    (output,) = job["outputs"]
    (file,) = output["files"]
    assert (output["status"], file["path"], file["bucket"]) == (
        "completed",
        "thumbs/thumbnail.jpg",
        buckets.destination,
    )
    assert (file["type"], file["width"], file["height"]) == ("image", 160, 90) and file["size"] > 0
    assert buckets.s3.keys(buckets.destination) == ["thumbs/thumbnail.jpg"]


def test_list_pages_through_the_librarys_jobs_newest_first(vidinfra, buckets, django_assert_max_num_queries):
    ids = [create(vidinfra, buckets, video_id=f"v{n}") for n in range(3)]

    with django_assert_max_num_queries(8):  # a page costs the same whatever its size (no N+1)
        first = vidinfra.get("/jobs?limit=2").json()
    second = vidinfra.get("/jobs?limit=2&page=2").json()

    assert first["success"] and first["message"] == "Transcoding jobs retrieved successfully"
    page = first["result"]
    assert (page["total"], page["page"], page["limit"], page["total_pages"]) == (3, 1, 2, 2)
    assert [job["id"] for job in page["items"]] == ids[::-1][:2]
    assert [job["id"] for job in second["result"]["items"]] == ids[:1]
    assert vidinfra.get("/jobs?status=queued").json()["result"]["total"] == 3
    assert vidinfra.get("/jobs?status=completed").json()["result"]["total"] == 0
    refused = vidinfra.get("/jobs?status=done")
    assert refused.status_code == 400 and refused.json()["result"]["errors"][0]["field"] == "status"


@pytest.mark.workers
def test_put_replaces_webhook_format_and_source_while_queued(vidinfra, buckets, receiver):
    job_id = create(vidinfra, buckets)
    buckets.s3.client().copy_object(
        Bucket=buckets.source, Key="other.mp4", CopySource={"Bucket": buckets.source, "Key": "video.mp4"}
    )
    update = thumbnail_body(buckets, path="/new")
    update["source"]["path"] = "/other.mp4"
    update["format"].append({"output": "gif", "width": 160, "destination": update["format"][0]["destination"]})
    update["webhook_config"] = {"url": f"{receiver.url}/new", "headers": {"x-new": "yes"}}

    response = vidinfra.put(f"/jobs/{job_id}", update, format="json")

    assert response.status_code == 200, response.json()
    result = response.json()["result"]
    assert response.json()["message"] == "Transcoding job updated successfully"
    assert [f["output"] for f in result["format"]] == ["thumbnail", "gif"] and result["status"] == "queued"
    assert result["source"]["path"] == "/other.mp4" and result["webhook_config"]["headers"] == {"x-new": "yes"}
    process = EncodingProcess.objects.get(public_id=job_id)
    assert list(process.jobs.order_by("index").values_list("kind", flat=True)) == ["thumbnail", "animation"]
    assert process.callback_url == f"{receiver.url}/new"
    assert json.loads(decrypt(process.callback_headers_encrypted)) == {"x-new": "yes"}
    run_burst()
    assert buckets.s3.keys(buckets.destination) == ["new/animation.gif", "new/thumbnail.jpg"]
    statuses = [json.loads(r.body)["status"] for r in receiver.wait_for(2)]
    assert statuses[-2:] == ["processing", "completed"] and receiver.received[-1].headers["x-new"] == "yes"


def test_put_names_only_what_it_changes(vidinfra, buckets):
    job_id = create(vidinfra, buckets, video_id="before")

    response = vidinfra.put(f"/jobs/{job_id}", {"video_id": "after"}, format="json")

    assert response.status_code == 200
    result = response.json()["result"]
    assert result["video_id"] == "after" and [f["output"] for f in result["format"]] == ["thumbnail"]
    assert EncodingJob.objects.filter(process__public_id=job_id).count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [({}, "body"), ({"upscale": True}, "upscale"), ({"format": [{"output": "avi"}]}, "format[0].output")],
)
def test_put_refuses_bad_bodies_and_changes_nothing(vidinfra, buckets, data, field):
    job_id = create(vidinfra, buckets)

    response = vidinfra.put(f"/jobs/{job_id}", data, format="json")

    assert response.status_code == 400 and response.json()["result"]["errors"][0]["field"] == field
    assert list(EncodingJob.objects.filter(process__public_id=job_id).values_list("kind", flat=True)) == ["thumbnail"]


@pytest.mark.workers
def test_put_after_the_job_started_is_a_conflict(vidinfra, buckets):
    job_id = create(vidinfra, buckets)
    run_burst()

    response = vidinfra.put(f"/jobs/{job_id}", {"video_id": "late"}, format="json")

    assert response.status_code == 409
    data = response.json()
    assert data["success"] is False and data["result"] is None and "only while it is queued" in data["message"]
    assert EncodingProcess.objects.get(public_id=job_id).request["video_id"] == ""


@pytest.mark.workers
def test_delete_cancels_a_queued_job_at_once(vidinfra, buckets):
    job_id = create(vidinfra, buckets)

    response = vidinfra.delete(f"/jobs/{job_id}")

    assert response.status_code == 200
    assert response.json()["message"] == "Transcoding job cancelled successfully"
    assert response.json()["result"]["status"] == "cancelled"
    run_burst()
    assert EncodingProcess.objects.get(public_id=job_id).status == "CANCELLED"
    assert buckets.s3.keys(buckets.destination) == []
    again = vidinfra.delete(f"/jobs/{job_id}")
    assert again.status_code == 409 and "already ended (cancelled)" in again.json()["message"]


def test_another_librarys_jobs_are_not_found(vidinfra, buckets, api):
    job_id = create(vidinfra, buckets)
    _, keys = library_create(name="Other")
    other = api.__class__()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {keys.api_key}")

    assert other.get(f"/jobs/{job_id}").json() == NOT_FOUND
    assert other.put(f"/jobs/{job_id}", {"video_id": "x"}, format="json").status_code == 404
    deleted = other.delete(f"/jobs/{job_id}")
    assert (deleted.status_code, deleted.json()) == (404, NOT_FOUND)
    assert other.get("/jobs").json()["result"]["total"] == 0
    assert EncodingProcess.objects.get(public_id=job_id).status == "ENQUEUED"
    assert vidinfra.get("/jobs/does-not-exist").status_code == 404


def test_processes_of_other_dialects_are_not_vidinfra_jobs(vidinfra, library_keys, buckets):
    from media_platform.engine.spec import ThumbnailJob

    process = encoding_process_create(
        library=library_keys.library, source={"kind": "url", "url": "https://e.com/v.mp4"}, destination={},
        jobs=[ThumbnailJob()], dialect=EncodingProcess.Dialect.SLASHED,
    )  # fmt: skip

    assert vidinfra.get(f"/jobs/{process.public_id}").status_code == 404
    assert vidinfra.get("/jobs").json()["result"]["total"] == 0


def test_keys_are_checked_and_errors_come_in_the_envelope(api, library_keys, buckets):
    assert api.get("/jobs").status_code == 401
    assert api.get("/jobs").json() == {
        "message": "Authentication credentials were not provided.",
        "result": None,
        "success": False,
    }
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-key")
    assert api.get("/jobs").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {library_keys.api_key}")
    assert api.get("/jobs").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {library_keys.read_only_key}")
    assert api.get("/jobs").status_code == 200
    refused = api.post("/jobs", thumbnail_body(buckets), format="json")
    assert refused.status_code == 403 and refused.json()["success"] is False
    assert not EncodingProcess.objects.exists()

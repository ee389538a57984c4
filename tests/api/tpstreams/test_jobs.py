"""Creating, reading and listing jobs, without running them."""

from __future__ import annotations

import json

import pytest

from media_platform.api.tpstreams.serializers import Job
from media_platform.models import EncodingProcess
from media_platform.services.pipeline import encoding_process_cancel
from tests.support.s3 import KEY, SECRET
from tests.support.workers import run_burst

from .conftest import METADATA, jobs_url

pytestmark = pytest.mark.django_db(transaction=True)


def create(tp, library_keys, buckets, **changes) -> dict:
    body = {
        "input_path": buckets.input_path(),
        "output_path": buckets.output_path(),
        "resolutions": ["240p", "480p"],
        "client_metadata": METADATA,
        **changes,
    }
    response = tp.post(jobs_url(library_keys.id), body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_the_response_has_the_seeds_shape_with_credentials_masked(tp, library_keys, buckets, s3_input):
    job = create(tp, library_keys, buckets)
    masked_in = f"s3://{buckets.input}/video.mp4/?access_key=****-key&secret_key=****-key&region=us-east-1"
    masked_out = f"s3://{buckets.output}/path/?access_key=****-key&secret_key=****-key&region=us-east-1"
    assert job == {
        "id": EncodingProcess.objects.get().public_id,
        "resolutions": ["240p", "480p"],
        "video_duration": None,
        "status": "Queued",
        "input_url": f"{masked_in}&endpoint={buckets.endpoint}",
        "input_path": f"{masked_in}&endpoint={buckets.endpoint}",
        "output_path": f"{masked_out}&endpoint={buckets.endpoint}",
        "start_time": None,
        "end_time": None,
        "error_message": None,
        "client_metadata": METADATA,
    }
    process = EncodingProcess.objects.get()
    stored = json.dumps([process.request, process.source, process.destination, process.recipe])
    assert KEY not in stored and SECRET not in stored
    assert process.recipe == {"name": "tpstreams", "resolutions": ["240p", "480p"]}


def test_the_openapi_schema_describes_what_is_rendered(tp, library_keys, buckets, s3_input):
    job = create(tp, library_keys, buckets)
    assert list(Job().fields) == list(job)
    assert "input_path" not in create(tp, library_keys, buckets, input_path=None, input_url=buckets.input_path())


def test_a_password_in_an_input_url_is_masked(tp, library_keys, buckets, receiver):
    url = f"{receiver.url.replace('http://', 'http://bob:hunter2-secret@')}/input-video.mp4"
    job = create(tp, library_keys, buckets, input_path=None, input_url=url)
    assert job["input_url"] == url.replace("hunter2-secret", "****")
    assert "hunter2" not in json.dumps(EncodingProcess.objects.get().request)


def test_client_metadata_comes_back_verbatim(tp, library_keys, buckets, s3_input):
    metadata = {"z": 1, "a": {"y": [1, 2.5, None, True], "b": "é ✓"}, "m": "", "k": {"9": 0, "1": -1e-7}}
    job = create(tp, library_keys, buckets, client_metadata=metadata)
    fetched = tp.get(f"{jobs_url(library_keys.id)}{job['id']}/").content.decode()
    assert json.dumps(json.loads(fetched)["client_metadata"]) == json.dumps(metadata)  # same order, same values
    assert json.dumps(job["client_metadata"]) == json.dumps(metadata)


def test_client_metadata_is_optional(tp, library_keys, buckets, s3_input):
    body = {"input_path": buckets.input_path(), "output_path": buckets.output_path(), "resolutions": ["240p"]}
    response = tp.post(jobs_url(library_keys.id), body, format="json")
    assert response.status_code == 201 and response.json()["client_metadata"] is None


def test_an_s3_path_in_input_url_is_taken_as_the_seeds_table_allows(tp, library_keys, buckets, s3_input):
    job = create(tp, library_keys, buckets, input_path=None, input_url=buckets.input_path())
    assert "input_path" not in job and job["input_url"].startswith(f"s3://{buckets.input}/video.mp4/?access_key=****")
    assert EncodingProcess.objects.get().source["kind"] == "s3"


def test_get_returns_the_job_as_created(tp, library_keys, buckets, s3_input):
    job = create(tp, library_keys, buckets)
    assert tp.get(f"{jobs_url(library_keys.id)}{job['id']}/").json() == job


def test_the_list_is_paginated_newest_first(tp, library_keys, buckets, s3_input):
    first, second = create(tp, library_keys, buckets), create(tp, library_keys, buckets)
    page = tp.get(jobs_url(library_keys.id), {"page_size": 1}).json()
    assert page["count"] == 2 and page["previous"] is None and page["results"] == [second]
    assert page["next"] == f"http://testserver{jobs_url(library_keys.id)}?page=2&page_size=1"
    assert tp.get(page["next"]).json()["results"] == [first]
    assert tp.get(jobs_url(library_keys.id), {"ordering": "created"}).json()["results"] == [first, second]
    assert tp.get(jobs_url(library_keys.id), {"page": 9}).json() == {"detail": "Invalid page."}


def test_the_list_filters_by_status_and_creation_time(tp, library_keys, buckets, s3_input):
    queued = create(tp, library_keys, buckets)
    cancelled = create(tp, library_keys, buckets)
    encoding_process_cancel(process=EncodingProcess.objects.get(public_id=cancelled["id"]))
    url = jobs_url(library_keys.id)
    assert [j["id"] for j in tp.get(url, {"status": "queued"}).json()["results"]] == [queued["id"]]
    assert [j["id"] for j in tp.get(f"{url}?status=cancelled&status=Queued").json()["results"]] == [
        cancelled["id"],
        queued["id"],
    ]
    assert tp.get(url, {"status": "completed"}).json()["count"] == 0
    assert tp.get(url, {"created_from": "2999-01-01T00:00:00Z"}).json()["count"] == 0
    assert tp.get(url, {"created_to": "2999-01-01"}).json()["count"] == 2
    response = tp.get(url, {"status": "done", "created_from": "yesterday"})
    assert response.status_code == 400 and set(response.json()) == {"status", "created_from"}


@pytest.mark.workers
def test_a_cancelled_job_says_so_and_tells_the_webhook(tp, library_keys, buckets, s3_input, receiver):
    library_keys.library.webhook_url = f"{receiver.url}/hook"
    library_keys.library.save()
    job = create(tp, library_keys, buckets)
    encoding_process_cancel(process=EncodingProcess.objects.get(public_id=job["id"]))
    run_burst()
    fetched = tp.get(f"{jobs_url(library_keys.id)}{job['id']}/").json()
    assert (fetched["status"], fetched["error_message"]) == ("cancelled", "Cancelled")
    assert fetched["end_time"].endswith("Z") and fetched["start_time"] is None
    assert [json.loads(r.body)["status"] for r in receiver.wait_for(2)] == ["Queued", "cancelled"]

"""POST /retry: failed processes run again, one answer per id, and call back again."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from media_platform.models import EncodingProcess
from media_platform.services.libraries import library_create
from media_platform.services.pipeline import encoding_process_cancel
from tests.support.workers import run_burst

from . import seed
from .conftest import queued, send, stored

pytestmark = pytest.mark.django_db(transaction=True)


def retry(client, library_id: int, *process_ids: str):
    return client.post("/retry", {"service_id": library_id, "process_ids": list(process_ids)}, format="json")


@pytest.mark.workers
def test_a_failed_process_is_retried_and_calls_back_for_each_attempt(slashed, library_keys, store, clip, receiver):
    store("sources/my_4k_source.mp4", b"not yet a video")
    body = seed.request(library_keys.id, seed.SCREENSHOT, callback=f"{receiver.url}/hook")
    process_id = send(slashed, body).json()["process_id"]
    run_burst()
    assert slashed.get(f"/status/{process_id}").json()["status"] == "FAILED"

    # the same bad source fails again: attempt 1
    response = retry(slashed, library_keys.id, process_id)
    assert response.status_code == 200
    assert response.json() == [
        {"status": 200, "process_id": process_id, "description": "Reprocessing process, attempt: 1"}
    ]
    run_burst()
    # fixed: attempt 2 finishes
    store("sources/my_4k_source.mp4", clip("slashed-360.mp4", size="640x360", duration=2))
    assert retry(slashed, library_keys.id, process_id).json()[0]["description"] == "Reprocessing process, attempt: 2"
    assert queued()["low"] == 1  # the example's priority
    run_burst()
    assert slashed.get(f"/status/{process_id}").json()["status"] == "FINISHED"
    assert stored(library_keys.id, "mydirectory/original/test.jpg").exists()

    callbacks = [json.loads(r.body) for r in receiver.wait_for(3)]
    assert [(c["status"], c["success"]) for c in callbacks] == [("FAILED", 0), ("FAILED", 0), ("FINISHED", 1)]


def test_each_id_gets_its_own_answer(slashed, library_keys, store, clip):
    store("sources/my_4k_source.mp4", clip("slashed-360.mp4", size="640x360", duration=2))
    ids = [send(slashed, seed.request(library_keys.id, seed.SCREENSHOT)).json()["process_id"] for _ in range(4)]
    finished, running, failed, cancelled = ids
    EncodingProcess.objects.filter(public_id=finished).update(status="FINISHED")
    EncodingProcess.objects.filter(public_id=failed).update(status="PARTIALLY_FAILED")
    encoding_process_cancel(process=EncodingProcess.objects.get(public_id=cancelled))
    other, other_keys = library_create(name="Other")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {other_keys.api_key}")
    foreign = send(api, seed.request(other.pk, seed.SCREENSHOT, source="https://example.org/a.mp4")).json()
    unknown = "krLSWSF0gp6tpWPk3Okrl"

    response = retry(slashed, library_keys.id, failed, unknown, finished, running, cancelled, foreign["process_id"])
    assert response.status_code == 200
    answers = response.json()
    assert [(a["status"], a["process_id"]) for a in answers] == [
        (200, failed),
        (404, unknown),
        (409, finished),
        (409, running),
        (200, cancelled),
        (404, foreign["process_id"]),
    ]
    assert answers[1]["description"] == "Process not found"
    assert answers[2]["description"] == "Process is FINISHED: only failed processes can be retried"
    assert answers[3]["description"] == "Process is ENQUEUED: only failed processes can be retried"
    assert EncodingProcess.objects.get(public_id=foreign["process_id"]).generation == 0


def test_a_retry_beyond_the_process_limit_is_refused_in_its_entry(slashed, library_keys, store, clip):
    store("sources/my_4k_source.mp4", clip("slashed-360.mp4", size="640x360", duration=2))
    failed = send(slashed, seed.request(library_keys.id, seed.SCREENSHOT)).json()["process_id"]
    EncodingProcess.objects.filter(public_id=failed).update(status="FAILED")
    send(slashed, seed.request(library_keys.id, seed.SCREENSHOT))
    library_keys.library.max_concurrent_processes = 1
    library_keys.library.save()
    answer = retry(slashed, library_keys.id, failed).json()
    assert answer == [{"status": 409, "process_id": failed, "description": "Limit of simultaneous processes reached"}]
    assert EncodingProcess.objects.get(public_id=failed).status == "FAILED"


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"service_id": 0}, "process_ids", "process_ids should not be null or undefined"),
        ({"service_id": 0, "process_ids": []}, "process_ids", "process_ids should not be empty"),
        ({"service_id": 0, "process_ids": "abc"}, "process_ids", "process_ids must be an array"),
        ({"service_id": 0, "process_ids": [1]}, "process_ids", "each value in process_ids must be a string"),
        ({"process_ids": ["a"]}, "service_id", "service_id should not be null or undefined"),
    ],
    ids=["missing", "empty", "not-array", "not-strings", "no-service"],
)
def test_a_malformed_retry_is_400(slashed, library_keys, body, field, message):
    if body.get("service_id") == 0:
        body["service_id"] = library_keys.id
    response = slashed.post("/retry", body, format="json")
    assert response.status_code == 400
    details = {d["name"]: d["message"] for d in response.json()["details"]}
    assert message in details[field]


def test_the_references_retry_example_answers_404_for_unknown_ids(slashed, library_keys):
    body = {**seed.RETRY_REQUEST, "service_id": library_keys.id}
    assert slashed.post("/retry", body, format="json").json() == [
        {"status": 404, "process_id": "1mQhK6J7azYy9LKo7Rbxp", "description": "Process not found"},
        {"status": 404, "process_id": "eeTP9A-jMrljQiDS1_K2S", "description": "Process not found"},
    ]


def test_an_id_no_process_can_have_is_not_found_on_either_database(slashed, library_keys):
    # a NUL character: PostgreSQL refuses it in any text it is asked to compare (schemathesis sent one)
    body = {"service_id": library_keys.id, "process_ids": ["-\u0092 \u00d6[\x00", "\x00"]}
    response = slashed.post("/retry", body, format="json")
    assert response.status_code == 200
    assert [entry["status"] for entry in response.json()] == [404, 404]

"""The request API's status codes and bodies for everything but the encode itself."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from unittest import mock

import django_rq
import pytest

from media_platform.api.slashed.limits import LibraryRateThrottle
from media_platform.models import EncodingProcess
from media_platform.selectors.libraries import KeyedLibrary
from media_platform.services.libraries import library_create
from media_platform.status import ProcessStatus

from . import seed
from .conftest import queued, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(store, clip):
    store("sources/my_4k_source.mp4", clip("slashed-src.mp4", size="640x360", duration=2))


def test_the_reference_encode_request_is_received(slashed, library_keys, source):
    response = send(slashed, seed.request(library_keys.id, priority="low"))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"process_id", "status", "description"}
    assert body["status"] == 200 and body["description"] == "Request received"
    process = EncodingProcess.objects.get(public_id=body["process_id"])
    assert len(body["process_id"]) == 21 and process.dialect == "slashed" and process.status == "ENQUEUED"
    assert process.source == {"kind": "storage", "name": f"libraries/{library_keys.id}/sources/my_4k_source.mp4"}
    assert process.destination == {"kind": "storage", "prefix": f"libraries/{library_keys.id}"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "priority, queue", [("low", "low"), ("high", "high"), (None, "default")], ids=["low", "high", "unset"]
)
def test_priority_picks_the_queue(slashed, library_keys, source, priority, queue):
    body = seed.request(library_keys.id, seed.ENCODE)
    if priority is None:
        body.pop("priority")
    else:
        body["priority"] = priority
    process_id = send(slashed, body).json()["process_id"]
    assert queued() == {name: int(name == queue) for name in queued()}
    job = django_rq.get_queue(queue).jobs[0]
    assert job.args == (EncodingProcess.objects.get(public_id=process_id).pk,)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Bearer nope"},
        {"HTTP_AUTHORIZATION": "Token {key}"},
        {"HTTP_AUTHORIZATION": "Bearer"},
    ],
    ids=["missing", "invalid", "other-scheme", "empty"],
)
def test_a_missing_or_invalid_key_is_401(api, library_keys, headers):
    headers = {k: v.format(key=library_keys.api_key) for k, v in headers.items()}
    for response in (
        api.post("/request", seed.request(library_keys.id), format="json", **headers),
        api.get("/status/abc", **headers),
        api.get("/status/detailed/abc", **headers),
        api.post("/retry", {"service_id": library_keys.id, "process_ids": ["a"]}, format="json", **headers),
    ):
        assert response.status_code == 401
        body = response.json()
        assert body["status"] == 401 and body["error"] == "Unauthorized" and body["message"]
        assert response["WWW-Authenticate"] == "Bearer"


def test_a_service_id_other_than_the_keys_library_is_403(slashed, library_keys, source):
    other, _ = library_create(name="Other")
    for path, body in (
        ("/request", seed.request(other.pk)),
        ("/retry", {"service_id": other.pk, "process_ids": ["x"]}),
    ):
        response = slashed.post(path, body, format="json")
        assert response.status_code == 403, path
        assert response.json()["status"] == 403 and response.json()["error"] == "Forbidden"
    assert not EncodingProcess.objects.exists() and sum(queued().values()) == 0


def test_a_read_only_key_reads_status_but_cannot_request(api, library_keys, slashed, source):
    process_id = send(slashed, seed.request(library_keys.id)).json()["process_id"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {library_keys.read_only_key}")
    assert api.get(f"/status/{process_id}").status_code == 200
    response = send(api, seed.request(library_keys.id))
    assert response.status_code == 403 and response.json()["status"] == 403
    assert EncodingProcess.objects.count() == 1


def test_status_of_a_pending_process(slashed, library_keys, source):
    process_id = send(slashed, seed.request(library_keys.id)).json()["process_id"]
    response = slashed.get(f"/status/{process_id}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "updated_at"} and body["status"] == "ENQUEUED"
    assert len(body["updated_at"]) == 19 and body["updated_at"][10] == " "


@pytest.mark.parametrize(
    "status, shown, message",
    [("FAILED", "FAILED", "Invalid video format"), ("PARTIALLY_FAILED", "PARTIALLY_FAILED", "x"),
     ("REJECTED", "REJECTED", "y"), ("CANCELLED", "FAILED", "Cancelled")],
)  # fmt: skip
def test_status_of_a_failed_process_says_why(slashed, library_keys, source, status, shown, message):
    process_id = send(slashed, seed.request(library_keys.id)).json()["process_id"]
    EncodingProcess.objects.filter(public_id=process_id).update(status=status, fail_message=message)
    body = slashed.get(f"/status/{process_id}").json()
    assert (
        body["status"] == shown
        and body["fail_message"] == message
        and set(body)
        == {
            "status",
            "updated_at",
            "fail_message",
        }
    )


def test_unknown_or_foreign_process_is_404_with_the_exact_body(slashed, api, library_keys, source):
    process_id = send(slashed, seed.request(library_keys.id)).json()["process_id"]
    _, other_keys = library_create(name="Other")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {other_keys.api_key}")
    for client, path in (
        (slashed, "/status/Fcl_b6psriLi7lBYAshhp"),
        (slashed, "/status/detailed/Fcl_b6psriLi7lBYAshhp"),
        (api, f"/status/{process_id}"),
        (api, f"/status/detailed/{process_id}"),
    ):
        response = client.get(path)
        assert response.status_code == 404 and response.json() == seed.NOT_FOUND, path


@pytest.mark.django_db(transaction=True)
def test_processes_beyond_the_librarys_limit_are_409(slashed, library_keys, source):
    library_keys.library.max_concurrent_processes = 2
    library_keys.library.save()
    first = [send(slashed, seed.request(library_keys.id)) for _ in range(2)]
    assert [r.status_code for r in first] == [200, 200]
    response = send(slashed, seed.request(library_keys.id))
    assert response.status_code == 409
    body = response.json()
    assert body["status"] == 409 and body["error"] == "Too many simultaneous processes" and "2" in body["message"]
    assert EncodingProcess.objects.count() == 2 and sum(queued().values()) == 2
    # a process that ends frees its slot
    EncodingProcess.objects.filter(public_id=first[0].json()["process_id"]).update(status=ProcessStatus.FINISHED)
    assert send(slashed, seed.request(library_keys.id)).status_code == 200


def test_requests_beyond_the_rate_limit_are_429_with_retry_after(slashed, library_keys):
    library_keys.library.requests_per_minute = 3
    library_keys.library.save()
    with mock.patch("media_platform.api.slashed.limits.time.time", return_value=6000.0 * 60 + 15):
        codes = [slashed.get("/status/nothing").status_code for _ in range(4)]
        response = slashed.get("/status/nothing")
    assert codes == [404, 404, 404, 429]
    assert response.status_code == 429 and response["Retry-After"] == "45"
    body = response.json()
    assert body["status"] == 429 and body["error"] == "Too Many Requests" and body["message"]
    with mock.patch("media_platform.api.slashed.limits.time.time", return_value=6001.0 * 60):
        assert slashed.get("/status/nothing").status_code == 404  # a new minute


def test_the_rate_limit_is_exact_under_concurrency(library_keys):
    library_keys.library.requests_per_minute = 25
    request = SimpleNamespace(auth=KeyedLibrary(library_keys.library, False, 0))
    allowed = []

    def hit():
        allowed.append(LibraryRateThrottle().allow_request(request, None))

    with mock.patch("media_platform.api.slashed.limits.time.time", return_value=7000.0 * 60):
        threads = [threading.Thread(target=hit) for _ in range(60)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert allowed.count(True) == 25


def test_a_body_that_is_not_json_is_a_400_in_the_services_shape(slashed):
    response = slashed.post("/request", data="{not json", content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["error"] == "Failed to validate fields"
    assert body["details"][0]["name"] == "body"


def test_detailed_status_of_a_pending_process_has_the_full_shape(slashed, library_keys, source):
    process_id = send(slashed, seed.request(library_keys.id)).json()["process_id"]
    body = slashed.get(f"/status/detailed/{process_id}").json()
    assert seed.shape(body) == {**seed.shape(seed.CALLBACK), "finished_download_at": None}
    assert (body["process_id"], body["success"], body["status"]) == (process_id, 0, "ENQUEUED")
    assert body["source"]["file_name"] == "/sources/my_4k_source.mp4" and body["source"]["width"] is None
    job = body["jobs"][0]
    assert (job["type"], job["status"], job["file_name"], job["cost"]["credits"]) == ("ENCODE", "ENQUEUED", None, 0)
    assert job["id"] != process_id and len(job["id"]) == 21 and len(job["created_at"]) == 19


def test_other_methods_are_405_in_the_services_shape(slashed):
    response = slashed.get("/request")
    assert response.status_code == 405 and response.json()["status"] == 405

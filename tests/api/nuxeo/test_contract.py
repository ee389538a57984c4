"""The Nuxeo dialect's bodies, status codes and auth, against the seed's sample."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from media_platform.models import BulkCommand
from media_platform.query import DEFAULT_QUERY
from media_platform.status import BulkState

from .conftest import PASSWORD, RECOMPUTE, SAMPLE_QUERY, basic, post_form

pytestmark = pytest.mark.django_db
# The seed's sample response, key for key.
SAMPLE = {
    "entity-type": "bulkStatus",
    "commandId": "93baf453-5d34-4bb9-9370-54ec4cce78b2",
    "state": "SCHEDULED",
    "processed": 0,
    "error": False,
    "errorCount": 0,
    "total": 0,
    "action": "recomputeVideoConversion",
    "username": "system",
    "submitted": "2019-07-26T12:10:07.567Z",
    "scrollStart": None,
    "scrollEnd": None,
    "processingStart": None,
    "processingEnd": None,
    "completed": None,
    "processingMillis": 0,
}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_the_seed_sample_request_returns_the_entity_shape_exactly(nuxeo):
    response = post_form(nuxeo, RECOMPUTE, urlencode({"query": SAMPLE_QUERY}))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == list(SAMPLE)
    for key, sample in SAMPLE.items():
        assert type(body[key]) is type(sample), key
    assert UUID.match(body["commandId"]) and TIMESTAMP.match(body["submitted"])
    same = {k: v for k, v in body.items() if k not in ("commandId", "submitted", "username")}
    assert same == {k: v for k, v in SAMPLE.items() if k not in ("commandId", "submitted", "username")}
    assert body["username"] == "Administrator"
    command = BulkCommand.objects.get(command_id=body["commandId"])
    assert command.query == SAMPLE_QUERY and command.user.username == "Administrator"


def test_get_returns_the_same_entity(nuxeo):
    created = post_form(nuxeo, RECOMPUTE, urlencode({"query": SAMPLE_QUERY})).json()
    response = nuxeo.get(f"/api/v1/bulk/{created['commandId']}")
    assert response.status_code == 200 and response.json() == created


def test_the_query_defaults_to_nuxeos_default(nuxeo):
    body = post_form(nuxeo, RECOMPUTE, "").json()
    assert BulkCommand.objects.get(command_id=body["commandId"]).query == DEFAULT_QUERY


def test_conversion_names_and_video_info_from_a_form_and_from_json(nuxeo):
    form = urlencode([("conversionNames", "720p"), ("conversionNames", "MP4 480p"), ("recomputeAllVideoInfo", "true")])
    first = post_form(nuxeo, RECOMPUTE, form).json()
    second = nuxeo.post(RECOMPUTE, {"conversionNames": "240p,360p"}, format="json").json()
    third = nuxeo.post(RECOMPUTE, {"conversionNames": ["720p"], "recomputeAllVideoInfo": True}, format="json").json()
    params = [BulkCommand.objects.get(command_id=body["commandId"]).params for body in (first, second, third)]
    assert params == [
        {"conversionNames": ["480p", "720p"], "recomputeAllVideoInfo": True},
        {"conversionNames": ["240p", "360p"], "recomputeAllVideoInfo": False},
        {"conversionNames": ["720p"], "recomputeAllVideoInfo": True},
    ]


@pytest.mark.parametrize(
    ("query", "position"),
    [
        ("SELECT * FROM Document WHERE title = ", 37),
        ("SELECT * FROM Document WHERE titel = 'x'", 29),
        ("SELECT * FROM Document WHERE (status = 4", 40),
    ],
)
def test_a_bad_query_is_a_400_exception_naming_the_position(nuxeo, query, position):
    response = post_form(nuxeo, RECOMPUTE, urlencode({"query": query}))
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["entity-type", "status", "message"]
    assert body["entity-type"] == "exception" and body["status"] == 400
    assert f"position {position}" in body["message"]
    assert not BulkCommand.objects.exists()


def test_an_unknown_conversion_is_a_400(nuxeo):
    response = post_form(nuxeo, RECOMPUTE, urlencode({"conversionNames": "4K"}))
    assert response.status_code == 400 and "Unknown conversion name '4K'" in response.json()["message"]


@pytest.mark.parametrize("command_id", ["93baf453-5d34-4bb9-9370-54ec4cce78b2", "not-a-uuid"])
def test_an_unknown_command_is_a_404_exception(nuxeo, command_id):
    for response in (nuxeo.get(f"/api/v1/bulk/{command_id}"), nuxeo.put(f"/api/v1/bulk/{command_id}/abort")):
        assert response.status_code == 404
        body = response.json()
        assert body["entity-type"] == "exception" and body["status"] == 404 and command_id in body["message"]


def test_abort_sets_the_state_and_returns_the_entity(nuxeo):
    created = post_form(nuxeo, RECOMPUTE, urlencode({"query": SAMPLE_QUERY})).json()
    response = nuxeo.put(f"/api/v1/bulk/{created['commandId']}/abort")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "ABORTED" and TIMESTAMP.match(body["completed"]) and list(body) == list(SAMPLE)
    assert nuxeo.get(f"/api/v1/bulk/{created['commandId']}").json()["state"] == "ABORTED"
    assert BulkCommand.objects.get().abort_requested is True


def test_abort_leaves_a_completed_command_completed(nuxeo):
    command = BulkCommand.objects.create(query="x", action="reencode", state=BulkState.COMPLETED)
    assert nuxeo.put(f"/api/v1/bulk/{command.command_id}/abort").json()["state"] == "COMPLETED"


# --- who may call it ------------------------------------------------------------------------
def test_anonymous_callers_get_a_401_with_a_basic_challenge():
    for response in (post_form(APIClient(), RECOMPUTE, ""), APIClient().get("/api/v1/bulk/x")):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Basic realm="Nuxeo"'
        assert response.json()["entity-type"] == "exception" and response.json()["status"] == 401


def test_a_wrong_password_is_a_401(staff):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic(staff.username, "wrong"))
    assert post_form(client, RECOMPUTE, "").status_code == 401


def test_users_who_are_not_staff_get_a_403_over_basic_and_session():
    get_user_model().objects.create_user("viewer", password=PASSWORD)
    over_basic = APIClient()
    over_basic.credentials(HTTP_AUTHORIZATION=basic("viewer"))
    over_session = APIClient()
    assert over_session.login(username="viewer", password=PASSWORD)
    for client in (over_basic, over_session):
        response = post_form(client, RECOMPUTE, "")
        assert response.status_code == 403
        assert response.json() == {
            "entity-type": "exception",
            "status": 403,
            "message": "Only administrators may run bulk video commands.",
        }
    assert not BulkCommand.objects.exists()


def test_staff_sessions_work_like_basic_auth(staff):
    client = APIClient()
    assert client.login(username=staff.username, password=PASSWORD)
    response = post_form(client, RECOMPUTE, urlencode({"query": SAMPLE_QUERY}))
    assert response.status_code == 200 and response.json()["username"] == "Administrator"
    assert client.get(f"/api/v1/bulk/{response.json()['commandId']}").status_code == 200


def test_session_posts_need_the_csrf_token(staff):
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username=staff.username, password=PASSWORD)
    assert post_form(client, RECOMPUTE, "").status_code == 403

"""schemathesis against each dialect's own OpenAPI schema: whatever it sends, no 500s."""

from __future__ import annotations

import base64

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from media_platform.services.libraries import library_create

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI app closes database connections after each request, as in production; inside
    a test's transaction it must not (Django's own test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def aim_at(case, library) -> None:
    """Point ids that name the caller's library at it, so requests get past authorisation."""
    for name in ("library_id", "organization_id"):
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = library.pk
    if isinstance(case.body, dict) and "service_id" in case.body:
        case.body["service_id"] = library.pk


def fuzz(dialect: str, headers: dict, library=None) -> int:
    """Every operation of the dialect, FUZZ examples each; returns how many operations ran."""
    schema = schemathesis.openapi.from_wsgi(f"/api/{dialect}/schema/?format=json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case):
            if library is not None:
                aim_at(case, library)
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        run()
    return len(operations)


@pytest.fixture
def library_and_key(db):
    library, keys = library_create(name="Fuzz")
    return library, keys.api_key


@pytest.mark.parametrize(
    "dialect, header",
    [
        ("bunny", "AccessKey {key}"),
        ("slashed", "Bearer {key}"),
        ("tpstreams", "Token {key}"),
        ("vidinfra", "Bearer {key}"),
    ],
)
def test_no_request_makes_a_dialect_fail_with_500(dialect, header, library_and_key):
    library, key = library_and_key
    name, _, value = header.partition(" ")
    headers = {"AccessKey": key} if name == "AccessKey" else {"Authorization": f"{name} {key}"}
    assert fuzz(dialect, headers, library) > 0


def test_no_request_makes_nuxeo_fail_with_500(db):
    user = get_user_model().objects.create_superuser("fuzz", "fuzz@localhost", "fuzz-password")
    token = base64.b64encode(f"{user.username}:fuzz-password".encode()).decode()
    assert fuzz("nuxeo", {"Authorization": f"Basic {token}"}) > 0

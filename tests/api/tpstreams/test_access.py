"""Who may see what: the Token header, the key's own organization, DRF's {"detail": …} bodies."""

from __future__ import annotations

import pytest

from media_platform.models import EncodingProcess
from media_platform.services.libraries import library_create

from .conftest import METADATA, jobs_url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def job(tp, library_keys, buckets, s3_input) -> dict:
    body = {
        "input_path": buckets.input_path(),
        "output_path": buckets.output_path(),
        "resolutions": ["240p", "480p"],
        "client_metadata": METADATA,
    }
    response = tp.post(jobs_url(library_keys.id), body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize(
    "header, detail",
    [
        (None, "Authentication credentials were not provided."),
        ("Bearer {key}", "Authentication credentials were not provided."),
        ("Token not-a-key", "Invalid token."),
    ],
)
def test_requests_without_a_valid_token_get_401(api, library_keys, header, detail):
    if header:
        api.credentials(HTTP_AUTHORIZATION=header.format(key=library_keys.api_key))
    response = api.get(jobs_url(library_keys.id))
    assert response.status_code == 401
    assert response.json() == {"detail": detail}
    assert response["WWW-Authenticate"] == "Token"


def test_another_organizations_path_is_forbidden(tp, library_keys):
    other, _ = library_create(name="Other")
    response = tp.get(jobs_url(other.pk))
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}
    assert tp.post(jobs_url(other.pk), {}, format="json").status_code == 403


def test_another_librarys_job_is_not_found(tp, library_keys, job):
    other, keys = library_create(name="Other")
    tp.credentials(HTTP_AUTHORIZATION=f"Token {keys.api_key}")
    response = tp.get(f"{jobs_url(other.pk)}{job['id']}/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert tp.get(jobs_url(other.pk)).json()["count"] == 0


def test_an_unknown_job_is_not_found(tp, library_keys):
    response = tp.get(f"{jobs_url(library_keys.id)}nope/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_the_read_only_key_reads_but_does_not_create(api, library_keys, job, buckets):
    api.credentials(HTTP_AUTHORIZATION=f"Token {library_keys.read_only_key}")
    assert api.get(f"{jobs_url(library_keys.id)}{job['id']}/").json() == job
    body = {"input_path": buckets.input_path(), "output_path": buckets.output_path(), "resolutions": ["240p"]}
    response = api.post(jobs_url(library_keys.id), body, format="json")
    assert response.status_code == 403 and response.json() == {"detail": "This API key is read-only."}
    assert EncodingProcess.objects.count() == 1


def test_other_dialects_processes_are_not_transcoding_jobs(tp, library_keys, job):
    EncodingProcess.objects.update(dialect=EncodingProcess.Dialect.BUNNY)
    assert tp.get(f"{jobs_url(library_keys.id)}{job['id']}/").status_code == 404
    assert tp.get(jobs_url(library_keys.id)).json()["count"] == 0

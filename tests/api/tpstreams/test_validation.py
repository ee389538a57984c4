"""Rejected requests: 400 in DRF's shape naming every failing field, and nothing created or queued."""

from __future__ import annotations

import django_rq
import pytest

from media_platform.models import EncodingProcess
from tests.environment import free_port

from .conftest import METADATA, jobs_url, s3_path

pytestmark = pytest.mark.django_db(transaction=True)


def refused(tp, organization_id, body) -> dict:
    response = tp.post(jobs_url(organization_id), body, format="json")
    assert response.status_code == 400, response.content
    assert not EncodingProcess.objects.exists()
    assert all(django_rq.get_queue(name).count == 0 for name in ("high", "default", "low"))
    return response.json()


@pytest.fixture
def valid(buckets, s3_input) -> dict:
    return {
        "input_path": buckets.input_path(),
        "output_path": buckets.output_path(),
        "resolutions": ["240p", "480p"],
        "client_metadata": METADATA,
    }


def test_client_metadata_over_10_kb_is_refused(tp, library_keys, valid):
    body = refused(tp, library_keys.id, {**valid, "client_metadata": {"blob": "x" * 11 * 1024}})
    assert list(body) == ["client_metadata"] and "10 KB" in body["client_metadata"][0]


def test_client_metadata_of_exactly_10_kb_is_accepted(tp, library_keys, valid):
    metadata = {"blob": "x" * (10 * 1024 - len('{"blob":""}'))}
    response = tp.post(jobs_url(library_keys.id), {**valid, "client_metadata": metadata}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["client_metadata"] == metadata


@pytest.mark.parametrize("metadata", [["a", "list"], "text", 12])
def test_client_metadata_must_be_an_object(tp, library_keys, valid, metadata):
    assert list(refused(tp, library_keys.id, {**valid, "client_metadata": metadata})) == ["client_metadata"]


def test_a_missing_input_names_both_input_fields(tp, library_keys, valid):
    del valid["input_path"]
    body = refused(tp, library_keys.id, valid)
    assert set(body) == {"input_url", "input_path"}


def test_both_inputs_are_refused(tp, library_keys, valid, receiver):
    body = refused(tp, library_keys.id, {**valid, "input_url": f"{receiver.url}/input-video.mp4"})
    assert set(body) == {"input_url", "input_path"} and "not both" in body["input_url"][0]


@pytest.mark.parametrize("url", ["ftp://example.com/video.mp4", "not a url", "file:///etc/passwd", ""])
def test_an_invalid_input_url_is_refused(tp, library_keys, valid, url):
    del valid["input_path"]
    assert list(refused(tp, library_keys.id, {**valid, "input_url": url})) == ["input_url"]


def test_an_input_url_on_a_private_address_is_refused(tp, library_keys, valid):
    del valid["input_path"]
    body = refused(tp, library_keys.id, {**valid, "input_url": "http://169.254.169.254/latest/meta-data"})
    assert list(body) == ["input_url"] and "private" in body["input_url"][0]


@pytest.mark.parametrize(
    "path", ["https://example.com/video.mp4", "s3://", "s3://bucket-only/?access_key=a&secret_key=b", "s3://b/k"]
)
def test_an_invalid_input_path_is_refused(tp, library_keys, valid, path):
    assert list(refused(tp, library_keys.id, {**valid, "input_path": path})) == ["input_path"]


def test_a_missing_input_object_is_refused(tp, library_keys, valid, buckets):
    body = refused(tp, library_keys.id, {**valid, "input_path": buckets.input_path("nope.mp4")})
    assert list(body) == ["input_path"] and "does not exist" in body["input_path"][0]


@pytest.mark.parametrize(
    "resolutions, detail",
    [(["240p", "4k"], '"4k" is not a valid choice.'), ([], "This list may not be empty."), ("240p", None)],
)
def test_unknown_or_empty_resolutions_are_refused(tp, library_keys, valid, resolutions, detail):
    body = refused(tp, library_keys.id, {**valid, "resolutions": resolutions})
    assert list(body) == ["resolutions"] and all(isinstance(message, str) for message in body["resolutions"])
    assert detail is None or body["resolutions"] == [detail]


def test_a_missing_output_path_is_refused(tp, library_keys, valid):
    del valid["output_path"]
    assert refused(tp, library_keys.id, valid) == {"output_path": ["This field is required."]}


def test_an_output_path_without_credentials_is_refused(tp, library_keys, valid, buckets):
    path = f"s3://{buckets.output}/path/?region=us-east-1&endpoint={buckets.endpoint}"
    body = refused(tp, library_keys.id, {**valid, "output_path": path})
    assert list(body) == ["output_path"] and "access_key" in body["output_path"][0]


def test_an_output_bucket_that_does_not_exist_is_refused(tp, library_keys, valid, buckets):
    path = s3_path("no-such-bucket-here", "path", buckets.endpoint)
    assert list(refused(tp, library_keys.id, {**valid, "output_path": path})) == ["output_path"]


def test_an_unreachable_s3_endpoint_is_refused(tp, library_keys, valid, buckets):
    endpoint = f"http://127.0.0.1:{free_port()}"
    body = refused(tp, library_keys.id, {**valid, "output_path": s3_path(buckets.output, "path", endpoint)})
    assert list(body) == ["output_path"] and "unreachable" in body["output_path"][0]


def test_an_s3_endpoint_on_a_private_address_is_refused(tp, library_keys, valid, buckets, settings):
    settings.SSRF_ALLOWLIST = []
    path = s3_path(buckets.output, "path", "http://169.254.169.254")
    body = refused(tp, library_keys.id, {**valid, "output_path": path})
    assert "private" in body["output_path"][0]


def test_wrong_s3_credentials_are_refused_on_the_field_that_has_them(tp, library_keys, valid, buckets, s3_auth):
    access_key, secret_key = s3_auth
    good_output = buckets.output_path(access_key=access_key, secret_key=secret_key)
    wrong_input = buckets.input_path(access_key=access_key, secret_key="wrong-secret-0000")
    body = refused(tp, library_keys.id, {**valid, "input_path": wrong_input, "output_path": good_output})
    assert list(body) == ["input_path"] and "denied" in body["input_path"][0], body
    unknown_output = buckets.output_path(access_key="AKIAUNKNOWN00000", secret_key=secret_key)
    good_input = buckets.input_path(access_key=access_key, secret_key=secret_key)
    body = refused(tp, library_keys.id, {**valid, "input_path": good_input, "output_path": unknown_output})
    assert list(body) == ["output_path"] and "denied" in body["output_path"][0]
    assert "wrong-secret" not in str(body) and secret_key not in str(body)


def test_every_failing_field_is_listed_at_once(tp, library_keys):
    body = refused(tp, library_keys.id, {"resolutions": ["8k"], "client_metadata": [1]})
    assert set(body) == {"input_url", "input_path", "output_path", "resolutions", "client_metadata"}
    assert all(isinstance(messages, list) and messages for messages in body.values())


def test_a_body_that_is_not_an_object_is_refused(tp, library_keys):
    assert list(refused(tp, library_keys.id, ["input_url"])) == ["non_field_errors"]


def test_a_body_that_is_not_json_is_refused_with_a_detail(tp, library_keys):
    response = tp.post(jobs_url(library_keys.id), "{nope", content_type="application/json")
    assert response.status_code == 400 and "JSON parse error" in response.json()["detail"]
    assert not EncodingProcess.objects.exists()


def test_an_aws_secret_is_taken_as_clients_write_it_with_a_raw_plus_and_slash():
    from media_platform.api.tpstreams.locations import parse_s3

    location = parse_s3("s3://bkt/video.mp4/?access_key=AKIA0&secret_key=ab+c/d%2Be&region=r", object_required=True)
    assert (location.key, location.access_key, location.secret_key) == ("video.mp4", "AKIA0", "ab+c/d+e")

"""The one rule for request-named S3 endpoints and the dialects' words for a location's problem
(api/common/locations.py); the policy itself, across dialects, is tests/api/test_s3_locations.py."""

from __future__ import annotations

import pytest

from media_platform.api.common.fields import FieldErrors
from media_platform.api.common.locations import (
    Place,
    PlaceChecks,
    Problem,
    Trouble,
    endpoint_url,
    is_endpoint,
    parse_s3_field,
)
from media_platform.storage import save_bytes


@pytest.mark.parametrize(
    ("value", "use_tls", "url"),
    [
        ("http://minio:9000", True, "http://minio:9000"),
        ("https://s3.example.com/", True, "https://s3.example.com"),
        ("minio:9000", False, "http://minio:9000"),  # a host alone takes its scheme from use_tls
        ("s3.example.com", True, "https://s3.example.com"),
        ("http://minio:9000/bucket", True, None),  # a path is not an endpoint
        ("http://minio:9000?x=1", True, None),
        ("ftp://minio", True, None),
        ("http://[::1", True, None),
        ("http://minio:99999", True, None),
        ("http://", True, None),
    ],
)
def test_what_an_endpoint_may_be(value, use_tls, url):
    assert endpoint_url(value, use_tls) == url
    assert is_endpoint(value) == (url is not None and "://" in value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("s3://bucket/key.mp4?access_key=a&secret_key=b&endpoint=http://minio:9000", None),
        ("s3://bucket/key.mp4?endpoint=http://minio:9000/path", "source endpoint must be an http(s) URL"),
        ("s3://bucket/key.mp4?endpoint=minio:9000", "source endpoint must be an http(s) URL"),
        ("s3:///key.mp4", "source must be a valid s3://bucket/key URL"),
    ],
)
def test_an_s3_url_field(value, message):
    errors = FieldErrors()
    location = parse_s3_field(errors, "jobs[0].transformations[1].source", value)
    assert (location is None) == (message is not None)
    assert errors.by_field() == ({"jobs[0].transformations[1].source": [message]} if message else {})


WORDING = {
    Trouble.MISSING: "was not found",
    Trouble.REFUSED: "is not allowed: {endpoint} is private",
    Trouble.UNRESOLVED: "does not resolve",
    Trouble.UNREACHABLE: "the {side} could not be {verb}: {detail}",
    Trouble.UNUSABLE: "could not be {verb}: {detail}",
}


def test_a_problem_in_a_dialects_words():
    problem = Problem(Trouble.UNREACHABLE, "nothing answers", "http://x")
    assert problem.words(WORDING, write=True) == "the output could not be written: nothing answers"
    assert problem.words(WORDING, write=False) == "the input could not be read: nothing answers"
    refused = Problem(Trouble.REFUSED, "host x is a private or reserved address", "http://10.0.0.1")
    assert refused.words(WORDING, write=False) == "is not allowed: http://10.0.0.1 is private"


@pytest.mark.django_db
def test_every_field_naming_a_missing_library_file_hears_it_and_a_file_to_write_needs_nothing(library):
    save_bytes(f"libraries/{library.pk}/in/there.mp4", b"x")
    checks, errors = PlaceChecks(), FieldErrors()
    checks.add("source", Place(path="in/missing.mp4"))
    checks.add("logo.source", Place(path="in/missing.mp4"))
    checks.add("subtitles.sources[0].source", Place(path="in/there.mp4"))
    checks.add("destination", Place(path="out/new.mp4", write=True))
    checks.report(errors, library, WORDING)
    assert errors.by_field() == {"source": ["source was not found"], "logo.source": ["source was not found"]}

"""The field plumbing every dialect shares (api/common/fields.py), table by table."""

from __future__ import annotations

import pytest

from media_platform.api.common.fields import MAX_URL, FieldErrors, as_number, at, is_http_url, is_number, leaf


def test_errors_keep_their_order_and_say_each_message_once_per_field():
    errors = FieldErrors()
    errors.add("source", "source is required")
    errors.add("format[0].height", "height must be a number")
    errors.add("source", "source is required", "source must be an object")
    assert errors.entries == [
        ("source", "source is required"),
        ("format[0].height", "height must be a number"),
        ("source", "source must be an object"),
    ]
    assert errors.by_field() == {
        "source": ["source is required", "source must be an object"],
        "format[0].height": ["height must be a number"],
    }
    assert len(errors) == 3 and errors


def test_errors_may_repeat_a_message_when_asked_to():
    errors = FieldErrors(unique=False)
    errors.add("resolutions", '"8k" is not a valid choice.', '"8k" is not a valid choice.')
    assert errors.by_field() == {"resolutions": ['"8k" is not a valid choice.'] * 2}


def test_has_covers_a_field_and_what_is_inside_it():
    errors = FieldErrors()
    errors.add("format[0].destination.bucket", "bucket is required")
    assert errors.has("format[0]") and errors.has("format[0].destination") and errors.has("format")
    assert not errors.has("format[1]") and not errors.has("form") and not FieldErrors()


@pytest.mark.parametrize(
    ("path", "name", "joined", "own"),
    [
        ("", "source", "source", "source"),
        ("format", 2, "format[2]", "format"),
        ("format[2]", "destination", "format[2].destination", "destination"),
        ("jobs[0].transformations", 1, "jobs[0].transformations[1]", "transformations"),
    ],
)
def test_paths(path, name, joined, own):
    assert at(path, name) == joined and leaf(joined) == own


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (3, 3.0),
        (2.5, 2.5),
        ("1000", 1000.0),
        (" 12.5 ", 12.5),
        ("", None),
        ("  ", None),
        ("ten", None),
        (True, None),  # booleans are not numbers
        (None, None),
        ([1], None),
        (float("inf"), None),
        ("nan", None),
        ("1e400", None),
        (10**400, None),  # a JSON integer of 400 digits: no float holds it (it was a 500)
    ],
)
def test_as_number(value, number):
    assert as_number(value) == number
    assert is_number(value) == (number is not None and not isinstance(value, str))


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("https://example.com/video.mp4", True),
        ("http://127.0.0.1:9000/x", True),  # the address is the SSRF guard's business, not this
        ("ftp://example.com/video.mp4", False),
        ("example.com/video.mp4", False),
        ("https://", False),
        ("https://example.com/" + "a" * (MAX_URL - 20), True),
        ("https://example.com/" + "a" * (MAX_URL - 19), False),  # one past the one limit
    ],
)
def test_is_http_url(url, valid):
    assert is_http_url(url) is valid

"""`manage.py ensure_bucket`: the one-shot that creates the storage bucket at every start."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.environment import free_port
from tests.support.s3 import use_as_storage


def ensure_bucket() -> str:
    out = io.StringIO()
    call_command("ensure_bucket", stdout=out)
    return out.getvalue().strip()


def test_ensure_bucket_creates_the_bucket_once_and_then_leaves_it_alone(s3, settings):
    bucket = f"media-{uuid.uuid4().hex[:12]}"
    use_as_storage(settings, bucket, s3.endpoint)

    assert ensure_bucket() == f"bucket {bucket} created"
    s3.client().put_object(Bucket=bucket, Key="kept", Body=b"x")
    assert ensure_bucket() == f"bucket {bucket} exists"
    assert s3.keys(bucket) == ["kept"]


def test_ensure_bucket_on_local_storage_has_nothing_to_do():
    assert ensure_bucket() == "local storage: no bucket to create"


def test_ensure_bucket_says_why_when_the_server_cannot_be_reached(settings):
    use_as_storage(settings, "media", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(CommandError, match="bucket media: Could not connect"):
        ensure_bucket()

"""JIT on S3 storage: the web process reads the original through a presigned URL of our own
bucket (the only input for which ffmpeg may speak HTTP), and stores segments in the bucket."""

from __future__ import annotations

import pytest
import requests

from media_platform.engine import mp4index
from media_platform.models import PlaybackPlan
from tests.storage.test_s3 import s3_storage  # noqa: F401 - the fixture
from tests.support.media import decodes

from .conftest import GOP, body

pytestmark = pytest.mark.django_db(transaction=True)


def test_jit_segments_are_read_from_and_stored_in_the_bucket(
    client,
    clip,
    jit_upload,
    s3,
    s3_storage,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    # the index comes from the moov, read in ranges: the original is never scanned over HTTP
    monkeypatch.setattr(mp4index, "read_index", lambda *a, **k: pytest.fail("scanned the whole original"))
    guid = jit_upload(clip("jit-s3.mp4", size="640x360", duration=6, extra=GOP))
    plan = PlaybackPlan.objects.get(video__guid=guid)
    assert f"{plan.prefix}/playlist.m3u8" in s3.keys(s3_storage, plan.prefix)

    made = client.get(f"/{guid}/360p/video0.ts")
    assert made.status_code == 200 and made.streaming
    (tmp_path / "made.ts").write_bytes(body(made))
    assert decodes(tmp_path / "made.ts")
    assert f"{plan.prefix}/360p/video0.ts" in s3.keys(s3_storage, plan.prefix)

    stored = client.get(f"/{guid}/360p/video0.ts")
    assert stored.status_code == 302
    assert requests.get(stored["Location"], timeout=10).content == (tmp_path / "made.ts").read_bytes()

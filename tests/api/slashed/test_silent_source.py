"""A source whose sound cannot be decoded, asked for through the request API: the output is
silent, and the API's fields say so."""

from __future__ import annotations

import pytest

from tests.support.media import ffprobe
from tests.support.realworld import build
from tests.support.workers import run_burst

from . import seed
from .conftest import send, stored

pytestmark = [pytest.mark.ffmpeg, pytest.mark.workers, pytest.mark.django_db(transaction=True)]


def test_an_undecodable_sound_gives_a_silent_output_that_the_api_reports_silent(
    slashed, library_keys, store, media_dir
):
    store("sources/broken-sound.ogv", build("broken-sound.ogv", media_dir))
    job = {**seed.ENCODE, "video_codec": "h264", "quality": "standard", "destination": "silent.mp4"}
    response = send(slashed, seed.request(library_keys.id, job, source="sources/broken-sound.ogv"))
    assert response.status_code == 200, response.json()

    run_burst()

    detail = slashed.get(f"/status/detailed/{response.json()['process_id']}").json()
    assert detail["status"] == "FINISHED", detail
    (encoded,) = detail["jobs"]
    assert (encoded["status"], encoded["video_codec"], encoded["audio_codec"]) == ("FINISHED", "H264", None)
    assert [s["codec_type"] for s in ffprobe(stored(library_keys.id, "silent.mp4"))["streams"]] == ["video"]

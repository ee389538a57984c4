"""A sound track that cannot be decoded is dropped with a Warning and the video is published
silent, whole or in pieces; a picture that cannot be decoded still fails the video."""

from __future__ import annotations

import re

import pytest

from media_platform.models import EncodingChunk, EncodingOutput, EncodingProcess
from tests.support.bunny import create_video, get_video, output_path, served, upload
from tests.support.media import decodes, ffprobe
from tests.support.realworld import build
from tests.support.workers import run_burst

pytestmark = [pytest.mark.ffmpeg, pytest.mark.workers, pytest.mark.django_db(transaction=True)]
FINISHED, ERROR = 4, 5


def encode(bunny, library_keys, source) -> tuple[str, dict]:
    library_keys.library.mp4_fallback = True
    library_keys.library.save()
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, source)
    run_burst()
    return guid, get_video(bunny, library_keys.id, guid)


def messages(video: dict) -> list[tuple[int, int, str]]:
    return [(m["level"], m["issueCode"], m["message"]) for m in video["transcodingMessages"]]


def assert_silent(client, guid: str) -> None:
    master = served(client, guid, "playlist.m3u8").decode()
    codecs = re.findall(r'CODECS="([^"]+)"', master)
    assert codecs and all(c.startswith("avc1.") and "mp4a" not in c for c in codecs), master
    assert "TYPE=AUDIO" not in master
    for name in re.findall(r"^(\w+)/video\.m3u8$", master, re.M):
        assert [s["codec_type"] for s in ffprobe(output_path(guid, f"play_{name}.mp4"))["streams"]] == ["video"]
        assert decodes(output_path(guid, f"{name}/video.m3u8"))
    outputs = EncodingOutput.objects.filter(job__process__video__guid=guid, role__in=["variant", "mp4"])
    assert outputs.exists() and set(outputs.values_list("audio_codec", flat=True)) == {""}


def test_a_sound_that_cannot_be_decoded_is_dropped_and_the_video_published_silent(
    bunny, library_keys, media_dir, client
):
    guid, video = encode(bunny, library_keys, build("broken-sound.ogv", media_dir))

    assert video["status"] == FINISHED, messages(video)
    warnings = [(level, code, message) for level, code, message in messages(video) if level >= 2]
    assert [message for level, code, message in warnings if (level, code) == (2, 7)] == [
        "The sound (vorbis) could not be decoded; the video was published without sound."
    ]
    assert max(level for level, *_ in warnings) == 2
    assert (video["width"], video["height"], video["length"]) == (320, 240, 2)
    assert_silent(client, guid)


def test_a_picture_that_cannot_be_decoded_still_fails(bunny, library_keys, media_dir):
    _, video = encode(bunny, library_keys, build("broken-picture.ogv", media_dir))

    assert video["status"] == ERROR
    assert (3, 7) in {(level, code) for level, code, _ in messages(video)}
    assert not any("without sound" in message for *_, message in messages(video))


def test_a_chunked_encode_whose_sound_cannot_be_decoded_is_stitched_silent(
    bunny, library_keys, media_dir, client, settings
):
    settings.CHUNKED_ENCODING, settings.CHUNK_MIN_DURATION, settings.CHUNK_SECONDS = True, 6, 4

    guid, video = encode(bunny, library_keys, build("broken-sound-8s.ogv", media_dir))

    assert video["status"] == FINISHED, messages(video)
    process = EncodingProcess.objects.get(video__guid=guid)
    assert list(EncodingChunk.objects.filter(process=process).values_list("kind", flat=True)) == [
        "video", "video", "audio"
    ]  # fmt: skip
    assert sum("without sound" in message for level, code, message in messages(video) if (level, code) == (2, 7)) == 1
    assert_silent(client, guid)

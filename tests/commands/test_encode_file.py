"""encode_file: the upload's encode, on a local file, with no database."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tests.support.media import decodes, ffprobe


def run(*args) -> str:
    out = io.StringIO()
    call_command("encode_file", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_a_file_is_encoded_into_the_folder_without_touching_the_database(clip, tmp_path, django_assert_num_queries):
    source = clip("ladder-360.mp4", size="640x360", duration=1)
    with django_assert_num_queries(0):
        out = run(str(source), "--out", str(tmp_path / "out"), "--resolutions", "360p,240p", "--mp4-fallback")

    written = dict(line.split("\t")[::-1] for line in out.strip().splitlines())
    folder = tmp_path / "out"
    assert written[str(folder / "playlist.m3u8")] == "master"
    assert written[str(folder / "play_360p.mp4")] == "mp4" and written[str(folder / "thumbnail.jpg")] == "image"
    master = (folder / "playlist.m3u8").read_text()
    assert "240p/video.m3u8" in master and "360p/video.m3u8" in master
    streams = ffprobe(folder / "play_360p.mp4")["streams"]
    video = next(s for s in streams if s["codec_type"] == "video")
    assert (video["codec_name"], video["width"], video["height"]) == ("h264", 640, 360)
    assert any(s["codec_type"] == "audio" for s in streams)
    assert ffprobe(folder / "240p/video.m3u8")["streams"][0]["height"] == 240
    assert decodes(folder / "playlist.m3u8")
    assert ffprobe(folder / "thumbnail.jpg")["streams"][0]["codec_name"] == "mjpeg"
    assert (folder / "preview.webp").exists()


def test_the_defaults_are_the_librarys_defaults(clip, tmp_path):
    out = run(str(clip("encode-small.mp4", duration=1)), "--out", str(tmp_path))
    roles = [line.split("\t")[0] for line in out.strip().splitlines()]
    assert roles.count("variant") == 1 and "mp4" not in roles  # a 180p source gets one rung, no MP4s


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        (lambda tmp: tmp / "missing.mp4", [], "no such file"),
        (lambda tmp: tmp / "bad.mp4", [], "could not be read"),
        (lambda tmp: tmp / "bad.mp4", ["--resolutions", "8K"], "names none of"),
    ],
)
@pytest.mark.ffmpeg
def test_mistakes_are_explained(tmp_path, make, args, message):
    source = make(tmp_path)
    if source.name == "bad.mp4":
        source.write_bytes(b"not a video at all")
    with pytest.raises(CommandError, match=message):
        run(str(source), "--out", str(tmp_path / "out"), *args)

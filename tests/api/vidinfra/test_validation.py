"""Every malformed field is a 400 in vidinfra's envelope naming it; nothing is created or queued."""

from __future__ import annotations

import django_rq
import pytest

from media_platform.models import EncodingProcess
from media_platform.storage.s3 import S3Error
from tests.environment import free_port

pytestmark = pytest.mark.django_db(transaction=True)
CREDENTIALS = {"key": "access-key-1234", "secret": "secret-key-5678"}


def body(**format_fields) -> dict:
    destination = {"type": "s3", "bucket": "x", "path": "/out", **CREDENTIALS}
    return {
        "source": {"type": "s3", "bucket": "x", "path": "/video.mp4", **CREDENTIALS},
        "format": [{"output": "mp4", "destination": destination, **format_fields}],
    }


def hls(**fields) -> dict:
    return body(**{"output": "hls", "stream": [{"height": 240}], **fields})


def edit(data: dict, path: str, value) -> dict:
    """Set (or with value ..., delete) a dotted path like "format.0.destination.bucket"."""
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    key = int(last) if last.isdigit() else last
    if value is ...:
        del node[key]
    else:
        node[key] = value
    return data


CASES = [
    # (id, body, field)
    ("no source", edit(body(), "source", ...), "source"),
    ("source not an object", edit(body(), "source", "s3://x/video.mp4"), "source"),
    ("source type", edit(body(), "source.type", "ftp"), "source.type"),
    ("source bucket", edit(body(), "source.bucket", ...), "source.bucket"),
    ("source path", edit(body(), "source.path", "/"), "source.path"),
    ("source secret", edit(body(), "source.secret", ...), "source.secret"),
    ("source key", edit(body(), "source.key", ""), "source.key"),
    ("source endpoint", edit(body(), "source.endpoint", "http://host/with/path"), "source.endpoint"),
    ("source is_passive", edit(body(), "source.is_passive", "maybe"), "source.is_passive"),
    ("missing source object", edit(body(), "source.path", "/nope.mp4"), "source"),
    ("no format", edit(body(), "format", ...), "format"),
    ("empty format", edit(body(), "format", []), "format"),
    ("format not an object", edit(body(), "format.0", "mp4"), "format[0]"),
    ("bad output", body(output="avi"), "format[0].output"),
    ("bad codec", body(video_codec="libx263"), "format[0].video_codec"),
    ("negative height", body(height=-5), "format[0].height"),
    ("width not a number", body(width="wide"), "format[0].width"),
    ("fractional height", body(height="720.5"), "format[0].height"),
    ("quality too high", body(quality=70), "format[0].quality"),
    ("bitrate not a number", body(bitrate="fast"), "format[0].bitrate"),
    ("bad start_time", body(start_time="soon"), "format[0].start_time"),
    ("bad duration", body(duration="1:2:3:4"), "format[0].duration"),
    ("bad aspect ratio", body(aspect_ratio="wide"), "format[0].aspect_ratio"),
    ("bad resize mode", body(aspect_ratio="4:3", resize_mode="zoom"), "format[0].resize_mode"),
    ("bad rotate", body(rotate="a lot"), "format[0].rotate"),
    ("bad framerate", body(framerate=500), "format[0].framerate"),
    ("bad sample rate", body(audio_sample_rate="12345"), "format[0].audio_sample_rate"),
    ("bad channels", body(audio_channels_number=-2), "format[0].audio_channels_number"),
    ("bad audio_mute", body(audio_mute="loud"), "format[0].audio_mute"),
    ("bad allow_soft_fail", body(allow_soft_fail=7), "format[0].allow_soft_fail"),
    ("min over max crf", body(min_crf="30", max_crf="20"), "format[0].min_crf"),
    ("bad max_rate", body(video_codec_parameters={"max_rate": "lots"}), "format[0].video_codec_parameters.max_rate"),
    ("parameters not an object", body(video_codec_parameters="fast"), "format[0].video_codec_parameters"),
    ("logo without source", body(logo={"x": "10", "y": "10"}), "format[0].logo.source"),
    ("bad logo offset", body(logo={"source": "https://example.com/a.png", "x": "left"}), "format[0].logo.x"),
    ("logo path escaping", body(logo={"source": "../../etc/passwd"}), "format[0].logo.source"),
    ("logo s3 url without bucket", body(logo={"source": "s3:///logo.png"}), "format[0].logo.source"),
    ("logo not in storage", body(logo={"source": "logos/missing.png"}), "format[0].logo.source"),
    ("destination not an object", edit(body(), "format.0.destination", "s3://x/out"), "format[0].destination"),
    ("destination type", edit(body(), "format.0.destination.type", "gcs"), "format[0].destination.type"),
    ("destination bucket", edit(body(), "format.0.destination.bucket", ""), "format[0].destination.bucket"),
    ("destination secret", edit(body(), "format.0.destination.secret", ...), "format[0].destination.secret"),
    ("missing bucket", edit(body(), "format.0.destination.bucket", "no-such-bucket"), "format[0].destination"),
    ("bad permissions", edit(body(), "format.0.destination.permissions", "all"), "format[0].destination.permissions"),
    ("hls without stream", body(output="hls"), "format[0].stream"),
    ("advanced_mp4 empty stream", body(output="advanced_mp4", stream=[]), "format[0].stream"),
    ("stream not an object", hls(stream=["720p"]), "format[0].stream[0]"),
    ("stream codec", hls(stream=[{"video_codec": "vp9"}]), "format[0].stream[0].video_codec"),
    ("av1 in hls", hls(stream=[{"video_codec": "libsvtav1"}]), "format[0].stream[0].video_codec"),
    ("stream height", hls(stream=[{"height": "-1"}]), "format[0].stream[0].height"),
    ("stream keyframe", hls(stream=[{"keyframe": "often"}]), "format[0].stream[0].keyframe"),
    ("playlist escaping", hls(playlist_name="../master.m3u8"), "format[0].playlist_name"),
    ("playlist not m3u8", hls(playlist_name="master.txt"), "format[0].playlist_name"),
    ("negative segment", hls(segment_duration="-6"), "format[0].segment_duration"),
    ("short segment", hls(segment_duration="0.5"), "format[0].segment_duration"),
    ("subtitles not an object", hls(subtitles=[]), "format[0].subtitles"),
    ("subtitle language", hls(subtitles={"sources": [{"source": "https://e.com/s.vtt", "language": "english!"}]}),
     "format[0].subtitles.sources[0].language"),
    ("subtitle source", hls(subtitles={"sources": [{"source": "ftp://e.com/s.vtt", "language": "en"}]}),
     "format[0].subtitles.sources[0].source"),
    ("subtitle copy", hls(subtitles={"copy": 3}), "format[0].subtitles.copy"),
    ("thumbnail image format", body(output="thumbnail", image_format="bmp"), "format[0].image_format"),
    ("thumbnail time", body(output="thumbnail", time="00:99:00"), "format[0].time"),
    ("thumbnail negative time", body(output="thumbnail", time="-3"), "format[0].time"),
    ("thumbnail width", body(output="thumbnail", width=-270), "format[0].width"),
    ("gif framerate", body(output="gif", framerate=-1), "format[0].framerate"),
    ("webhook not an object", {**body(), "webhook_config": "https://e.com"}, "webhook_config"),
    ("webhook url", {**body(), "webhook_config": {"url": "not a url"}}, "webhook_config.url"),
    ("webhook header name", {**body(), "webhook_config": {"url": "https://e.com", "headers": {"bad header": "x"}}},
     "webhook_config.headers.bad header"),
    ("webhook reserved header", {**body(), "webhook_config": {"url": "https://e.com", "headers": {"Host": "x"}}},
     "webhook_config.headers.Host"),
    ("webhook header value", {**body(), "webhook_config": {"url": "https://e.com", "headers": {"x-a": "1\r\n2"}}},
     "webhook_config.headers.x-a"),
    ("upscale", {**body(), "upscale": "yes"}, "upscale"),
    ("video_id", {**body(), "video_id": {"id": 1}}, "video_id"),
]  # fmt: skip


def queued_jobs() -> int:
    return sum(django_rq.get_queue(name).count for name in ("high", "default", "low"))


def assert_refused(response, *fields: str) -> list[dict]:
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["success"] is False and data["message"].startswith("Invalid request")
    errors = data["result"]["errors"]
    found = [error["field"] for error in errors]
    for field in fields:
        assert field in found, errors
        assert field in data["message"]
    assert all(error["message"] for error in errors)
    assert not EncodingProcess.objects.exists() and queued_jobs() == 0
    return errors


@pytest.mark.parametrize(("data", "field"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_malformed_field_is_refused_by_name(vidinfra, buckets, data, field):
    assert_refused(vidinfra.post("/jobs", buckets.point(data), format="json"), field)


def test_every_failing_field_is_listed_at_once(vidinfra, buckets):
    data = body(height=-1, video_codec="h264")
    data["format"].append({"output": "thumbnail", "time": "later", "destination": {"type": "s3"}})
    data["source"]["type"] = "ftp"

    errors = assert_refused(
        vidinfra.post("/jobs", buckets.point(data), format="json"),
        "source.type",
        "format[0].height",
        "format[0].video_codec",
        "format[1].time",
        "format[1].destination.bucket",
    )
    assert {"field": "format[0].height", "message": "height must not be negative"} in errors


def test_two_outputs_writing_the_same_file_are_refused(vidinfra, buckets):
    data = body()
    data["format"].append(data["format"][0])

    errors = assert_refused(vidinfra.post("/jobs", buckets.point(data), format="json"), "format[1].destination")
    assert "video.mp4" in errors[0]["message"] and "format[0]" in errors[0]["message"]


def test_an_unreachable_endpoint_is_refused(vidinfra, buckets):
    data = buckets.point(body())
    data["format"][0]["destination"]["endpoint"] = f"http://127.0.0.1:{free_port()}"

    errors = assert_refused(vidinfra.post("/jobs", data, format="json"), "format[0].destination")
    assert "could not be reached" in errors[0]["message"]


def test_a_private_endpoint_is_refused_before_any_connection(vidinfra, buckets, settings):
    data = buckets.point(body())
    settings.SSRF_ALLOWLIST = []

    errors = assert_refused(vidinfra.post("/jobs", data, format="json"), "source", "format[0].destination")
    assert all("private or reserved address" in error["message"] for error in errors)


def test_denied_credentials_are_refused(vidinfra, buckets, monkeypatch):
    def denied(location):
        raise S3Error(f"access to {location.url} was denied (check the credentials)")

    monkeypatch.setattr("media_platform.api.common.locations.check_writable", denied)

    errors = assert_refused(vidinfra.post("/jobs", buckets.point(body()), format="json"), "format[0].destination")
    assert "denied" in errors[0]["message"]


def test_a_body_that_is_not_json_is_refused(vidinfra, buckets):
    response = vidinfra.post("/jobs", data="{not json", content_type="application/json")

    assert_refused(response, "body")


def test_a_body_that_is_not_an_object_is_refused(vidinfra, buckets):
    assert_refused(vidinfra.post("/jobs", [1, 2], format="json"), "body")


def test_an_endpoint_that_is_not_a_url_is_refused(vidinfra, buckets):
    data = buckets.point(body())
    data["format"][0]["destination"]["endpoint"] = "http://[::1"

    assert_refused(vidinfra.post("/jobs", data, format="json"), "format[0].destination.endpoint")

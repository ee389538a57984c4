"""POST /jobs against the service's own examples: the example request is accepted as published
(but for its placeholder content keys, each refused by name), and the job comes back in the shape
of the example response, S3 credentials and content keys masked."""

from __future__ import annotations

import base64
import copy

import django_rq
import pytest

from media_platform.api.vidinfra.presenters import webhook_headers
from media_platform.engine.mp4boxes import pssh_box
from media_platform.models import EncodingJob, EncodingProcess

from .conftest import IV, KEY, KEY_ID, load_seed, supported

pytestmark = pytest.mark.django_db(transaction=True)

# The service's example response, verbatim (its `result` is also a valid request).
EXAMPLE_RESPONSE = {"message":"Transcoding job created successfully","result":{"video_id":"video123","webhook_config":{"url":"https://example.com/webhook","headers":{"authorization":"Bearer token123"}},"source":{"region":"us-east-1","type":"s3","key":"source_access_key","secret":"source_secret_key","bucket":"source-bucket","endpoint":"https://s3.amazonaws.com","path":"/input/video.mp4"},"format":[{"output":"hls","separate_audio":False,"destination":{"type":"s3","key":"dest_access_key","secret":"dest_secret_key","bucket":"destination-bucket","region":"us-east-1","path":"/output/hls","endpoint":"https://s3.amazonaws.com","permissions":False},"stream":[{"video_codec":"libx264","height":720,"bitrate":2000,"framerate":"30","keyframe":""}],"audio_mute":False,"subtitles":None,"cenc_drm":None,"allow_soft_fail":0,"optimize_bitrate":0,"playlist_name":"master.m3u8","segment_duration":"6","encryption":None,"image_format":"","time":"","height":0,"width":0,"framerate":0,"quality":0,"transcript":0,"json":0,"srt":0,"vtt":0,"mode":"","deinterlace":False},{"output":"thumbnail","separate_audio":False,"destination":{"type":"s3","key":"dest_access_key","secret":"dest_secret_key","bucket":"destination-bucket","region":"us-east-1","path":"/output/thumbnail","endpoint":"https://s3.amazonaws.com","permissions":False},"stream":None,"audio_mute":False,"subtitles":None,"cenc_drm":None,"allow_soft_fail":0,"optimize_bitrate":0,"playlist_name":"","segment_duration":"","encryption":None,"image_format":"jpg","time":"00:00:05","height":360,"width":640,"framerate":0,"quality":0,"transcript":0,"json":0,"srt":0,"vtt":0,"mode":"","deinterlace":False}]},"success":True}  # noqa: E501  # fmt: skip


S3 = {"type": "s3", "key": "k", "secret": "s"}


def queued_jobs() -> int:
    return sum(django_rq.get_queue(name).count for name in ("high", "default", "low"))


def test_the_example_request_is_accepted_without_its_protected_outputs(vidinfra, buckets):
    body = buckets.point(supported(load_seed()))

    response = vidinfra.post("/jobs", body, format="json")

    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["message"], data["success"]) == ("Transcoding job created successfully", True)
    result = data["result"]
    process = EncodingProcess.objects.get(public_id=result["id"])
    assert (process.dialect, process.status, result["status"]) == ("vidinfra", "ENQUEUED", "queued")
    assert queued_jobs() == 1
    # mp4, advanced_hls, advanced_mp4 (one job per stream), thumbnail, gif, mp4
    kinds = list(EncodingJob.objects.filter(process=process).order_by("index").values_list("kind", "spec__prefix"))
    assert kinds == [
        ("mp4", "f0"), ("hls", "f1"), ("mp4", "f2"), ("mp4", "f2"), ("thumbnail", "f3"), ("animation", "f4"),
        ("mp4", "f5"),
    ]  # fmt: skip
    assert [f["output"] for f in result["format"]] == ["mp4", "advanced_hls", "advanced_mp4", "thumbnail", "gif", "mp4"]
    assert (result["video_id"], result["upscale"]) == ("abc123", True)
    assert result["webhook_config"] == body["webhook_config"]
    assert process.callback_url == body["webhook_config"]["url"]
    assert webhook_headers(process) == {"authorization": "Bearer token", "x-api-key": "api_key"}
    assert "Bearer token" not in process.callback_headers_encrypted


def test_the_examples_placeholder_keys_are_refused_by_name(vidinfra, buckets):
    response = vidinfra.post("/jobs", buckets.point(load_seed()), format="json")

    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["result"]["errors"]}
    assert list(errors) == [
        "format[1].encryption.key", "format[1].encryption.iv",
        "format[2].cenc_drm.key", "format[2].cenc_drm.key_id", "format[2].cenc_drm.pssh", "format[2].cenc_drm.la_url",
        "format[7].cenc_drm.key", "format[7].cenc_drm.key_id", "format[7].cenc_drm.pssh", "format[7].cenc_drm.la_url",
    ]  # fmt: skip
    assert errors["format[1].encryption.key"] == "key must be 16 bytes as 32 hex digits"
    assert errors["format[2].cenc_drm.pssh"] == "pssh must be a base64-encoded pssh box"
    assert not EncodingProcess.objects.exists() and queued_jobs() == 0


def with_keys(body: dict) -> dict:
    pssh = base64.b64encode(pssh_box("edef8ba9-79d6-4ace-a3c8-27dcd51d21ed", [KEY_ID], b"")).decode()
    body["format"][1]["encryption"].update(key=KEY, iv=IV)
    for index in (2, 7):
        body["format"][index]["cenc_drm"] = {"key": KEY, "key_id": KEY_ID, "pssh": pssh, "la_url": "https://l.example/"}
    return body


def test_the_example_with_real_keys_is_accepted_and_never_shows_or_stores_them(vidinfra, buckets):
    response = vidinfra.post("/jobs", buckets.point(with_keys(load_seed())), format="json")

    assert response.status_code == 200, response.json()
    formats = response.json()["result"]["format"]
    assert formats[1]["encryption"] == {"key": "****ccbb", "iv": IV, "key_url": "https://ahmedraka.me"}
    assert formats[7]["cenc_drm"]["key"] == "****ccbb" and formats[7]["cenc_drm"]["key_id"] == KEY_ID
    process = EncodingProcess.objects.get(public_id=response.json()["result"]["id"])
    jobs = {job.spec["prefix"]: job for job in EncodingJob.objects.filter(process=process)}
    assert jobs["f7"].kind == "dash" and jobs["f7"].spec["cenc"]["key_id"] == KEY_ID
    assert jobs["f1"].spec["encryption"]["key_url"] == "https://ahmedraka.me"
    stored = str(list(EncodingJob.objects.filter(process=process).values_list("spec", flat=True)))
    assert KEY not in stored and "sealed:" in stored
    assert KEY not in str(vidinfra.get(f"/jobs/{process.public_id}").json())


def test_the_example_response_comes_back_in_its_own_shape(vidinfra, buckets):
    """The example response's `result`, sent as a request, is echoed key for key (credentials masked)."""
    example = EXAMPLE_RESPONSE["result"]
    body = copy.deepcopy(example)
    body["source"].update(bucket=buckets.source, endpoint=buckets.s3.endpoint, path="/video.mp4")
    for fmt in body["format"]:
        fmt["destination"].update(bucket=buckets.destination, endpoint=buckets.s3.endpoint)

    response = vidinfra.post("/jobs", body, format="json")

    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["message"], data["success"]) == (EXAMPLE_RESPONSE["message"], True)
    result = data["result"]
    for name in ("video_id", "webhook_config"):
        assert result[name] == example[name]
    expected_source = {**body["source"], "key": "****_key", "secret": "****_key"}
    assert {k: result["source"][k] for k in example["source"]} == expected_source
    for sent, shown in zip(body["format"], result["format"], strict=True):
        assert list(shown)[: len(sent)] == list(sent)  # the example's keys, in its order
        assert {k: v for k, v in shown.items() if k in sent and k not in ("destination", "stream")} == {
            k: v for k, v in sent.items() if k not in ("destination", "stream")
        }
        destination = {**sent["destination"], "key": "****_key", "secret": "****_key"}
        assert {k: shown["destination"][k] for k in destination} == destination
        for sent_stream, shown_stream in zip(sent["stream"] or [], shown["stream"] or [], strict=True):
            assert list(shown_stream)[: len(sent_stream)] == list(sent_stream)
            assert {k: shown_stream[k] for k in sent_stream} == sent_stream
        assert (shown["stream"] is None) == (sent["stream"] is None)
    assert "source_secret_key" not in response.content.decode() and "dest_secret_key" not in response.content.decode()


def test_defaults_are_filled_for_keys_the_request_leaves_out(vidinfra, buckets):
    body = buckets.point(
        {
            "source": {"type": "s3", "bucket": "x", "path": "video.mp4", "key": "k", "secret": "s"},
            "format": [
                {"output": "hls", "stream": [{"height": 240}], "destination": {**S3, "bucket": "x"}},
                {"output": "thumbnail"},
            ],
        }
    )

    response = vidinfra.post("/jobs", body, format="json")

    assert response.status_code == 200, response.json()
    result = response.json()["result"]
    hls, thumbnail = result["format"]
    assert (hls["playlist_name"], hls["segment_duration"], hls["allow_soft_fail"], hls["quality"]) == (
        "master.m3u8", "6", 0, 0,
    )  # fmt: skip
    assert hls["stream"] == [
        {
            "video_codec": "libx264",
            "height": 240,
            "width": 0,
            "bitrate": 0,
            "quality": 0,
            "framerate": "",
            "keyframe": "",
        }
    ]
    assert (thumbnail["image_format"], thumbnail["time"], thumbnail["destination"], thumbnail["stream"]) == (
        "jpg", "", None, None,
    )  # fmt: skip
    assert result["webhook_config"] is None and result["video_id"] == ""
    assert result["source"]["key"] == "****" and result["source"]["use_tls"] is False

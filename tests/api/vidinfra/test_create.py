"""POST /jobs against the service's own examples: the example request is accepted as published
(but for the parts not supported yet, each refused by name), and the job comes back in the shape
of the example response, S3 credentials masked."""

from __future__ import annotations

import copy

import django_rq
import pytest

from media_platform.models import EncodingJob, EncodingProcess
from media_platform.services.notifiers.vidinfra import webhook_headers

from .conftest import NOT_YET, load_seed, supported

pytestmark = pytest.mark.django_db(transaction=True)

# The service's example response, verbatim (its `result` is also a valid request).
EXAMPLE_RESPONSE = {"message":"Transcoding job created successfully","result":{"video_id":"video123","webhook_config":{"url":"https://example.com/webhook","headers":{"authorization":"Bearer token123"}},"source":{"region":"us-east-1","type":"s3","key":"source_access_key","secret":"source_secret_key","bucket":"source-bucket","endpoint":"https://s3.amazonaws.com","path":"/input/video.mp4"},"format":[{"output":"hls","separate_audio":False,"destination":{"type":"s3","key":"dest_access_key","secret":"dest_secret_key","bucket":"destination-bucket","region":"us-east-1","path":"/output/hls","endpoint":"https://s3.amazonaws.com","permissions":False},"stream":[{"video_codec":"libx264","height":720,"bitrate":2000,"framerate":"30","keyframe":""}],"audio_mute":False,"subtitles":None,"cenc_drm":None,"allow_soft_fail":0,"optimize_bitrate":0,"playlist_name":"master.m3u8","segment_duration":"6","encryption":None,"image_format":"","time":"","height":0,"width":0,"framerate":0,"quality":0,"transcript":0,"json":0,"srt":0,"vtt":0,"mode":"","deinterlace":False},{"output":"thumbnail","separate_audio":False,"destination":{"type":"s3","key":"dest_access_key","secret":"dest_secret_key","bucket":"destination-bucket","region":"us-east-1","path":"/output/thumbnail","endpoint":"https://s3.amazonaws.com","permissions":False},"stream":None,"audio_mute":False,"subtitles":None,"cenc_drm":None,"allow_soft_fail":0,"optimize_bitrate":0,"playlist_name":"","segment_duration":"","encryption":None,"image_format":"jpg","time":"00:00:05","height":360,"width":640,"framerate":0,"quality":0,"transcript":0,"json":0,"srt":0,"vtt":0,"mode":"","deinterlace":False}]},"success":True}  # noqa: E501  # fmt: skip


S3 = {"type": "s3", "key": "k", "secret": "s"}


def queued_jobs() -> int:
    return sum(django_rq.get_queue(name).count for name in ("high", "default", "low"))


def test_the_example_request_is_accepted_as_published_minus_what_is_not_supported(vidinfra, buckets):
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


@pytest.mark.parametrize(("index", "name"), NOT_YET, ids=lambda value: str(value))
def test_each_part_not_supported_yet_is_refused_by_name(vidinfra, buckets, index, name):
    seed = load_seed()
    body = supported(seed)
    if name is None:  # a whole output type: advanced_dash
        body["format"].append(seed["format"][index])
        field = f"format[{len(body['format']) - 1}].output"
    else:
        body["format"][index][name] = seed["format"][index][name]
        field = f"format[{index}].{name}"

    response = vidinfra.post("/jobs", buckets.point(body), format="json")

    assert response.status_code == 400
    data = response.json()
    assert data["success"] is False and field in data["message"]
    assert [e["field"] for e in data["result"]["errors"]] == [field]
    assert "not supported yet" in data["result"]["errors"][0]["message"]
    assert not EncodingProcess.objects.exists() and queued_jobs() == 0


def test_the_full_example_lists_every_unsupported_part_at_once(vidinfra, buckets):
    response = vidinfra.post("/jobs", buckets.point(load_seed()), format="json")

    assert response.status_code == 400
    fields = [e["field"] for e in response.json()["result"]["errors"]]
    assert fields == [
        "format[1].encryption",
        "format[2].cenc_drm",
        "format[7].output",
    ]
    assert not EncodingProcess.objects.exists()


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

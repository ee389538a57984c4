"""Every malformed field of the reference's parameter lists is a 400 naming it; nothing is created or queued."""

from __future__ import annotations

import copy

import pytest

from media_platform.models import EncodingProcess
from tests.support.s3 import KEY, REGION, SECRET

from . import seed
from .conftest import queued, send

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = "sources/my_4k_source.mp4"
NULL_STRING = ["{0} should not be null or undefined", "{0} should not be empty", "{0} must be a string"]


@pytest.fixture
def base(store, clip, mark_png, library_keys):
    """A good request with one job of each type and every transformation; each case breaks one field."""
    store(SOURCE, clip("slashed-src.mp4", size="640x360", duration=2))
    store("source/watermark.png", mark_png)
    jobs = [
        seed.with_transformations(seed.ENCODE, seed.RESIZE, seed.TRIM),
        seed.with_transformations(seed.PREVIEW_CLIP, seed.CROP, seed.WATERMARK),
        seed.STORYBOARD,
        seed.SCREENSHOTS,
    ]
    return seed.request(library_keys.id, *jobs, callback="https://example.org/hook")


def drop(path):
    def change(body):
        *parents, last = path
        target = body
        for key in parents:
            target = target[key]
        del target[last]

    return change


def put(path, value):
    def change(body):
        *parents, last = path
        target = body
        for key in parents:
            target = target[key]
        target[last] = value

    return change


ENC, PREV, BOARD, SHOTS = ("jobs", 0), ("jobs", 1), ("jobs", 2), ("jobs", 3)
T = "transformations"
GRAVITY = "gravity must be one of: center, north, northeast, east, southeast, south, southwest, west, northwest"
CASES = [
    # (id, change, field, messages that must all be there)
    ("service_id-missing", drop(["service_id"]), "service_id", ["service_id should not be null or undefined"]),
    ("service_id-text", put(["service_id"], "one"), "service_id",
     ["service_id must be a number conforming to the specified constraints"]),
    ("source-missing", drop(["source"]), "source", [m.format("source") for m in NULL_STRING]),
    ("source-empty", put(["source"], ""), "source", ["source should not be empty"]),
    ("source-number", put(["source"], 5), "source", ["source must be a string"]),
    ("source-scheme", put(["source"], "ftp://host/a.mp4"), "source",
     ["source must be a path in your storage, an http(s) URL or an s3:// URL"]),
    ("source-not-stored", put(["source"], "sources/missing.mp4"), "source", ["source was not found in your storage"]),
    ("source-escapes", put(["source"], "../../secret.mp4"), "source", ["source must not contain '..'"]),
    ("source-bad-url", put(["source"], "http://"), "source",
     ["source must be a path in your storage, an http(s) URL or an s3:// URL"]),
    ("priority", put(["priority"], "urgent"), "priority", ["priority must be one of: low, high"]),
    ("callback", put(["callback"], "not a url"), "callback", ["callback must be a URL address"]),
    ("callback-scheme", put(["callback"], "ftp://example.org/hook"), "callback", ["callback must be a URL address"]),
    ("jobs-missing", drop(["jobs"]), "jobs", ["jobs should not be null or undefined", "jobs must be an array"]),
    ("jobs-empty", put(["jobs"], []), "jobs", ["jobs should not be empty"]),
    ("jobs-not-array", put(["jobs"], {"type": "encode"}), "jobs", ["jobs must be an array"]),
    ("jobs-too-many", put(["jobs"], [seed.SCREENSHOT] * 21), "jobs", ["jobs must contain no more than 20 elements"]),
    ("job-not-object", put(["jobs", 0], "encode"), "jobs[0]", ["each value in jobs must be an object"]),
    ("job-type-missing", drop([*ENC, "type"]), "jobs[0].type", ["type should not be null or undefined"]),
    ("job-type", put([*ENC, "type"], "transcode"), "jobs[0].type",
     ["type must be one of: encode, preview_clip, storyboard, screenshots"]),
    # encode
    ("video_codec-missing", drop([*ENC, "video_codec"]), "jobs[0].video_codec",
     ["video_codec should not be null or undefined", "video_codec must be one of: h264, h265, av1"]),
    ("video_codec", put([*ENC, "video_codec"], "vp9"), "jobs[0].video_codec",
     ["video_codec must be one of: h264, h265, av1"]),
    ("audio_codec-missing", drop([*ENC, "audio_codec"]), "jobs[0].audio_codec",
     ["audio_codec should not be null or undefined", "audio_codec must be one of: aac"]),
    ("audio_codec", put([*ENC, "audio_codec"], "mp3"), "jobs[0].audio_codec", ["audio_codec must be one of: aac"]),
    ("destination-missing", drop([*ENC, "destination"]), "jobs[0].destination",
     [m.format("destination") for m in NULL_STRING]),
    ("destination-empty", put([*ENC, "destination"], ""), "jobs[0].destination", ["destination should not be empty"]),
    ("destination-number", put([*ENC, "destination"], 7), "jobs[0].destination", ["destination must be a string"]),
    ("destination-container", put([*ENC, "destination"], "out.mkv"), "jobs[0].destination",
     ["destination must end with .mp4"]),
    ("destination-escapes", put([*ENC, "destination"], "../x.mp4"), "jobs[0].destination",
     ["destination must not contain '..'"]),
    ("destination-syntax", put([*ENC, "destination"], "a|b:c.mp4"), "jobs[0].destination",
     ["destination must not contain control characters, backslashes or any of : | [ ] = ' , ;"]),
    ("destination-hidden", put([*ENC, "destination"], ".work/0-storyboard/a.mp4"), "jobs[0].destination",
     ["destination must not name a hidden file or folder"]),
    ("destination-over-source", put([*ENC, "destination"], "/" + SOURCE), "jobs[0].destination",
     ["destination must not overwrite the source"]),
    ("destination-twice", put([*PREV, "destination"], "encoded_av1_1080p.mp4"), "jobs[1].destination",
     ["destination is already used by jobs[0]"]),
    ("quality", put([*ENC, "quality"], "ultra"), "jobs[0].quality",
     ["quality must be one of: standard, optimal, premium"]),
    ("fps-high", put([*ENC, "fps"], 61), "jobs[0].fps", ["fps must be a number between 0 and 60"]),
    ("fps-zero", put([*ENC, "fps"], 0), "jobs[0].fps", ["fps must be a number between 0 and 60"]),
    ("fps-text", put([*ENC, "fps"], "fast"), "jobs[0].fps", ["fps must be a number between 0 and 60"]),
    ("fps-decimals", put([*ENC, "fps"], 29.975), "jobs[0].fps", ["fps must have at most 2 decimal places"]),
    # preview_clip
    ("preview-destination-missing", drop([*PREV, "destination"]), "jobs[1].destination",
     [m.format("destination") for m in NULL_STRING]),
    ("preview-destination", put([*PREV, "destination"], "/mydirectory/preview1.mov"), "jobs[1].destination",
     ["destination must end with .mp4"]),
    ("num_snippets-zero", put([*PREV, "num_snippets"], 0), "jobs[1].num_snippets",
     ["num_snippets must not be less than 1"]),
    ("num_snippets-fraction", put([*PREV, "num_snippets"], 2.5), "jobs[1].num_snippets",
     ["num_snippets must be an integer number"]),
    ("num_snippets-text", put([*PREV, "num_snippets"], "five"), "jobs[1].num_snippets",
     ["num_snippets must be an integer number"]),
    ("snippet_duration", put([*PREV, "snippet_duration"], -1), "jobs[1].snippet_duration",
     ["snippet_duration must be a positive number"]),
    ("snippet_duration-zero", put([*PREV, "snippet_duration"], 0), "jobs[1].snippet_duration",
     ["snippet_duration must be a positive number"]),
    ("preview-video_codec", put([*PREV, "video_codec"], "vp8"), "jobs[1].video_codec",
     ["video_codec must be one of: h264, h265, av1"]),
    # storyboard
    ("destination_dir-missing", drop([*BOARD, "destination_dir"]), "jobs[2].destination_dir",
     [m.format("destination_dir") for m in NULL_STRING]),
    ("sprite_file-missing", drop([*BOARD, "sprite_file"]), "jobs[2].sprite_file",
     [m.format("sprite_file") for m in NULL_STRING]),
    ("sprite_file", put([*BOARD, "sprite_file"], "storyboard.png"), "jobs[2].sprite_file",
     ["sprite_file must end with .jpg"]),
    ("vtt_file-missing", drop([*BOARD, "vtt_file"]), "jobs[2].vtt_file", [m.format("vtt_file") for m in NULL_STRING]),
    ("vtt_file", put([*BOARD, "vtt_file"], "vtt.txt"), "jobs[2].vtt_file", ["vtt_file must end with .vtt"]),
    ("vtt_file-escapes", put([*BOARD, "vtt_file"], "../../x.vtt"), "jobs[2].vtt_file",
     ["vtt_file must not contain '..'"]),
    ("interval", put([*BOARD, "interval"], 0), "jobs[2].interval", ["interval must be a positive number"]),
    ("interval-text", put([*BOARD, "interval"], "often"), "jobs[2].interval", ["interval must be a number"]),
    ("sprite_columns", put([*BOARD, "sprite_columns"], 0), "jobs[2].sprite_columns",
     ["sprite_columns must not be less than 1"]),
    # screenshots
    ("quantity-missing", drop([*SHOTS, "quantity"]), "jobs[3].quantity",
     ["quantity should not be null or undefined", "quantity must be an integer number"]),
    ("quantity-zero", put([*SHOTS, "quantity"], 0), "jobs[3].quantity", ["quantity must not be less than 1"]),
    ("quantity-fraction", put([*SHOTS, "quantity"], 1.5), "jobs[3].quantity", ["quantity must be an integer number"]),
    ("screenshots-destination", put([*SHOTS, "destination"], "/mydirectory/original/test_%d.png"),
     "jobs[3].destination", ["destination must end with .jpg"]),
    ("screenshots-placeholder", put([*SHOTS, "destination"], "/mydirectory/original/test.jpg"), "jobs[3].destination",
     ["destination must contain %d when quantity is greater than 1"]),
    # transformations
    ("transformations", put([*ENC, T], "resize"), "jobs[0].transformations", ["transformations must be an array"]),
    ("transformation-not-object", put([*ENC, T, 0], 5), "jobs[0].transformations[0]",
     ["each value in transformations must be an object"]),
    ("transformation-type", put([*ENC, T, 0, "type"], "blur"), "jobs[0].transformations[0].type",
     ["type must be one of: resize, trim, crop, watermark"]),
    ("resize-no-side", put([*ENC, T, 0], {"type": "resize"}), "jobs[0].transformations[0].width",
     ["width or height must be set"]),
    ("resize-width", put([*ENC, T, 0, "width"], "wide"), "jobs[0].transformations[0].width",
     ["width 'wide' is not a length (use 100, '100px', '50%' or '50h')"]),
    ("resize-width-unit", put([*ENC, T, 0, "width"], "50w"), "jobs[0].transformations[0].width",
     ["width '50w': use '%' or 'h' for this side"]),
    ("resize-height-unit", put([*ENC, T, 0, "height"], "50h"), "jobs[0].transformations[0].height",
     ["height '50h': use '%' or 'w' for this side"]),
    ("resize-negative", put([*ENC, T, 0, "width"], -480), "jobs[0].transformations[0].width",
     ["width must be greater than 0"]),
    ("resize-type", put([*ENC, T, 0, "height"], [270]), "jobs[0].transformations[0].height",
     ["height must be a string or a number"]),
    ("upscale", put([*ENC, T, 0, "upscale"], "yes"), "jobs[0].transformations[0].upscale",
     ["upscale must be a boolean value"]),
    ("trim-start", put([*ENC, T, 1, "start_time"], -5), "jobs[0].transformations[1].start_time",
     ["start_time must be a positive number"]),
    ("trim-duration", put([*ENC, T, 1, "duration"], 0), "jobs[0].transformations[1].duration",
     ["duration must be a positive number"]),
    ("trim-duration-text", put([*ENC, T, 1, "duration"], "long"), "jobs[0].transformations[1].duration",
     ["duration must be a number"]),
    ("crop-no-side", put([*PREV, T, 0], {"type": "crop"}), "jobs[1].transformations[0].width",
     ["width or height must be set"]),
    ("crop-gravity", put([*PREV, T, 0, "gravity"], "middle"), "jobs[1].transformations[0].gravity", [GRAVITY]),
    ("crop-xoffset", put([*PREV, T, 0, "xoffset"], "10h"), "jobs[1].transformations[0].xoffset",
     ["xoffset '10h' is not an offset (use 100, '100px' or '10%')"]),
    ("crop-yoffset", put([*PREV, T, 0, "yoffset"], {"y": 1}), "jobs[1].transformations[0].yoffset",
     ["yoffset must be a string or a number"]),
    ("watermark-source-missing", drop([*PREV, T, 1, "source"]), "jobs[1].transformations[1].source",
     [m.format("source") for m in NULL_STRING]),
    ("watermark-source-not-stored", put([*PREV, T, 1, "source"], "source/missing.png"),
     "jobs[1].transformations[1].source", ["source was not found in your storage"]),
    ("watermark-no-side", put([*PREV, T, 1], {"type": "watermark", "source": "source/watermark.png"}),
     "jobs[1].transformations[1].width", ["width or height must be set"]),
    ("watermark-gravity", put([*PREV, T, 1, "gravity"], "up"), "jobs[1].transformations[1].gravity", [GRAVITY]),
    ("watermark-opacity", put([*PREV, T, 1, "opacity"], 1.5), "jobs[1].transformations[1].opacity",
     ["opacity must be a number between 0 and 1"]),
    ("watermark-opacity-text", put([*PREV, T, 1, "opacity"], "half"), "jobs[1].transformations[1].opacity",
     ["opacity must be a number between 0 and 1"]),
]  # fmt: skip


def assert_refused(response, field: str, messages: list[str]) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"status", "error", "details"}
    assert body["status"] == 400 and body["error"] == "Failed to validate fields"
    found = {detail["name"]: detail["message"] for detail in body["details"]}
    assert field in found, found
    for message in messages:
        assert any(m.startswith(message) for m in found[field]), (message, found[field])
    assert not EncodingProcess.objects.exists()
    assert sum(queued().values()) == 0
    return found


def test_the_base_request_is_good(slashed, base):
    assert send(slashed, base).status_code == 200


@pytest.mark.parametrize("change, field, messages", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_malformed_field_is_refused_by_name(slashed, base, change, field, messages):
    body = copy.deepcopy(base)
    change(body)
    found = assert_refused(send(slashed, body), field, messages)
    assert list(found) == [field], "only the broken field is reported"


def test_a_missing_destination_reads_as_the_references_example(slashed, base):
    del base["jobs"][0]["destination"]
    details = send(slashed, base).json()["details"]
    assert details == [
        {
            "name": "jobs[0].destination",
            "message": [
                "destination should not be null or undefined",
                "destination should not be empty",
                "destination must be a string",
            ],
        }
    ]


def test_every_failing_field_is_listed_at_once(slashed, base):
    base["priority"] = "urgent"
    base["source"] = ""
    del base["jobs"][0]["video_codec"]
    base["jobs"][1]["transformations"][1]["opacity"] = 2
    base["jobs"][2]["sprite_file"] = "a.gif"
    base["jobs"][3]["quantity"] = "many"
    found = assert_refused(send(slashed, base), "source", ["source should not be empty"])
    assert set(found) == {
        "priority",
        "source",
        "jobs[0].video_codec",
        "jobs[1].transformations[1].opacity",
        "jobs[2].sprite_file",
        "jobs[3].quantity",
    }


def test_a_single_screenshot_needs_no_placeholder_and_defaults_apply(slashed, base):
    base["jobs"] = [
        seed.SCREENSHOT,
        {"type": "encode", "video_codec": "h264", "audio_codec": "aac", "destination": "a.mp4"},
        {"type": "preview_clip", "destination": "p.mp4"},
        {"type": "storyboard", "destination_dir": "sb", "sprite_file": "s.jpg", "vtt_file": "s.vtt"},
        {"type": "encode", "video_codec": "h264", "audio_codec": "aac", "destination": "w.mp4",
         "transformations": [{"type": "watermark", "source": "source/watermark.png", "width": "10%"},
                             {"type": "crop", "height": "50%"}]},
    ]  # fmt: skip
    response = send(slashed, base)
    assert response.status_code == 200, response.json()
    jobs = {job.index: job.spec for job in EncodingProcess.objects.get().jobs.all()}
    assert jobs[1]["rendition"]["video"]["crf"] == 23  # quality standard
    assert (jobs[2]["num_snippets"], jobs[2]["snippet_duration"], jobs[2]["video_codec"]) == (5, 1.0, "h264")
    assert (jobs[3]["interval"], jobs[3]["columns"]) == (10.0, 10)
    watermark, crop = jobs[4]["transformations"]
    assert (watermark["gravity"], watermark["opacity"], crop["gravity"]) == ("southeast", 1.0, "center")


# --- S3 locations are checked before a request is accepted --------------------------------
def s3_url(s3, bucket: str, key: str, **overrides) -> str:
    query = {"access_key": KEY, "secret_key": SECRET, "region": REGION, "endpoint": s3.endpoint, **overrides}
    return f"s3://{bucket}/{key}?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_an_unreachable_s3_endpoint_is_a_400_naming_the_field(slashed, base, s3):
    from tests.environment import free_port

    base["source"] = s3_url(s3, "bucket", "in.mp4", endpoint=f"http://127.0.0.1:{free_port()}")
    found = assert_refused(send(slashed, base), "source", ["source could not be read: the S3 endpoint"])
    assert "unreachable" in found["source"][0]


def test_a_missing_s3_object_or_bucket_is_a_400_naming_the_field(slashed, base, s3):
    bucket = s3.bucket()
    base["source"] = s3_url(s3, bucket, "nope.mp4")
    base["jobs"][0]["destination"] = s3_url(s3, "no-such-bucket-here", "out/a.mp4")
    found = assert_refused(send(slashed, base), "source", ["source could not be read"])
    assert "does not exist" in found["source"][0]
    assert found["jobs[0].destination"] == [
        "destination could not be written: bucket 'no-such-bucket-here' does not exist"
    ]
    assert SECRET not in str(found)


def test_s3_credentials_that_are_refused_are_a_400(slashed, base, s3, monkeypatch):
    from botocore.exceptions import ClientError

    def deny(self, **kwargs):
        raise ClientError(
            {"Error": {"Code": "InvalidAccessKeyId"}, "ResponseMetadata": {"HTTPStatusCode": 403}}, "Head"
        )

    # moto accepts any key pair; the denial S3 would answer is played back instead
    monkeypatch.setattr("botocore.client.BaseClient._make_api_call", lambda self, op, params: deny(self))
    base["source"] = s3_url(s3, "bucket", "in.mp4", access_key="AKIAWRONGKEY", secret_key="wrong")
    found = assert_refused(send(slashed, base), "source", ["source could not be read: access to s3://bucket/in.mp4"])
    assert "check the credentials" in found["source"][0]


def test_an_s3_endpoint_in_a_private_network_is_refused(slashed, base, s3, settings):
    settings.SSRF_ALLOWLIST = []
    base["source"] = s3_url(s3, "bucket", "in.mp4")
    assert_refused(send(slashed, base), "source", ["source is not allowed: the S3 endpoint"])

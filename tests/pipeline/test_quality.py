"""Quality and colour through the whole pipeline: the request API's presets reach their VMAF and
report it with each output; an HDR upload becomes SDR renditions and says so; vidinfra's
hdr_to_sdr reaches the engine."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from media_platform.api.common.fields import FieldErrors
from media_platform.api.common.locations import PlaceChecks
from media_platform.api.vidinfra.formats import read_format
from media_platform.api.vidinfra.translate import translate_formats
from media_platform.models import EncodingJob, EncodingOutput, TranscodingMessage
from media_platform.services.pipeline.assets import library_key
from media_platform.storage import save_file
from tests.support.bunny import create_video, get_video, output_path, upload
from tests.support.workers import run_burst

pytestmark = pytest.mark.django_db(transaction=True)

PRESETS = {"standard": 90.0, "optimal": 93.0, "premium": 96.0}


@pytest.fixture
def slashed(api, library_keys):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {library_keys.api_key}")
    return api


def video_stream(path: Path) -> dict:
    command = ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_streams", "-of", "json", str(path)]
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout)[
        "streams"
    ][0]


@pytest.mark.workers
def test_quality_presets_reach_their_vmaf_and_report_it(slashed, library_keys, clip):
    # given: one source, one encode per preset
    source = clip("quality-360.mp4", size="640x360", duration=3)
    save_file(library_key(SimpleNamespace(library_id=library_keys.id), "sources/quality.mp4"), source)
    jobs = [
        {"type": "encode", "video_codec": "h264", "audio_codec": "aac", "quality": name, "destination": f"{name}.mp4"}
        for name in PRESETS
    ]

    # when
    response = slashed.post(
        "/request", {"service_id": library_keys.id, "source": "sources/quality.mp4", "jobs": jobs}, format="json"
    )
    assert response.status_code == 200, response.json()
    process_id = response.json()["process_id"]
    run_burst()

    # then: each output carries the VMAF it reached, near its preset's
    assert slashed.get(f"/status/{process_id}").json()["status"] == "FINISHED"
    outputs = {o.rendition: o for o in EncodingOutput.objects.filter(job__process__public_id=process_id, role="mp4")}
    assert set(outputs) == set(PRESETS)
    for name, target in PRESETS.items():
        assert outputs[name].vmaf is not None and abs(outputs[name].vmaf - target) <= 1.5, (name, outputs[name].vmaf)
    assert outputs["premium"].size > outputs["optimal"].size > outputs["standard"].size
    # the CRF found per title is on the job, beside its target
    specs = {row.spec["rendition"]["name"]: row.spec["rendition"]["video"] for row in EncodingJob.objects.all()}
    assert specs["standard"]["crf"] > specs["premium"]["crf"] and specs["premium"]["vmaf_target"] == 96.0
    notes = TranscodingMessage.objects.filter(process__public_id=process_id, level=1, message__contains="VMAF")
    assert sorted(float(n.value) for n in notes) == pytest.approx(sorted(o.vmaf for o in outputs.values()), abs=0.01)


@pytest.mark.workers
def test_without_libvmaf_a_preset_falls_back_to_its_fixed_crf_and_says_so(slashed, library_keys, clip, settings):
    settings.VMAF_FFMPEG_BINARY = "ffmpeg"  # Debian's: no libvmaf
    save_file(library_key(SimpleNamespace(library_id=library_keys.id), "sources/q.mp4"), clip("q.mp4", duration=1))
    job = {"type": "encode", "video_codec": "h264", "audio_codec": "aac", "quality": "optimal", "destination": "o.mp4"}
    body = {"service_id": library_keys.id, "source": "sources/q.mp4", "jobs": [job]}

    process_id = slashed.post("/request", body, format="json").json()["process_id"]
    run_burst()

    assert slashed.get(f"/status/{process_id}").json()["status"] == "FINISHED"
    assert EncodingJob.objects.get(process__public_id=process_id).spec["rendition"]["video"]["crf"] == 21
    assert EncodingOutput.objects.get(job__process__public_id=process_id, role="mp4").vmaf is None
    (warning,) = TranscodingMessage.objects.filter(process__public_id=process_id, level=2)
    assert "no ffmpeg with libvmaf" in warning.message


@pytest.fixture(scope="module")
def pq_clip(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pq") / "pq.mp4"
    to_pq = (
        "format=yuv420p,setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv,"
        "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt2020:t=smpte2084:m=bt2020nc:r=tv:npl=100,"
        "format=yuv420p10le"
    )
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=1", "-vf", to_pq,
         "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-pix_fmt", "yuv420p10le",
         "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", str(path)],
        check=True, timeout=120,
    )  # fmt: skip
    return path


@pytest.mark.ffmpeg
@pytest.mark.workers
def test_an_hdr_upload_gets_tone_mapped_sdr_renditions(bunny, library_keys, pq_clip):
    guid = create_video(bunny, library_keys.id, "HDR")
    upload(bunny, library_keys.id, guid, pq_clip)
    run_burst()

    video = get_video(bunny, library_keys.id, guid)
    assert video["status"] == 4, video["transcodingMessages"]
    stream = video_stream(output_path(guid, "360p/video0.ts"))
    assert (stream["codec_name"], stream["pix_fmt"], stream["color_transfer"]) == ("h264", "yuv420p", "bt709")
    notes = [(m["level"], m["message"]) for m in video["transcodingMessages"]]
    assert [level for level, message in notes if "HDR" in message] == [1]  # Information: it was tone-mapped


def vidinfra_jobs(**options) -> list:
    data = {"output": "mp4", "video_codec": "libx265", **options}
    errors = FieldErrors()
    fmt = read_format(errors, data, 0, PlaceChecks())
    assert not errors, errors.entries
    return [fmt.echo.get("hdr_to_sdr"), *translate_formats([fmt], upscale=False).jobs]


def test_vidinfra_hdr_to_sdr_asks_the_engine_to_tone_map():
    echoed, job = vidinfra_jobs(hdr_to_sdr=1)
    assert echoed == 1 and job.hdr_to_sdr is True
    echoed, job = vidinfra_jobs()
    assert echoed == 0 and job.hdr_to_sdr is False  # without it, HDR is kept (10-bit H.265 here)

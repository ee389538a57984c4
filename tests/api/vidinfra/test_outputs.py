"""The service's example request, end to end: every output it asks for is written where it asks,
and each file is what a player or a client would check (codec, size, duration, streams)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from media_platform.engine.captions import cue_count
from media_platform.engine.hls import parse_segments
from media_platform.models import EncodingProcess
from tests.support.media import decodes, ffprobe
from tests.support.workers import run_burst

from .conftest import load_seed, supported

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers]
PREFIX = "path/to/destination"


def test_the_services_example_produces_every_output_it_asks_for(vidinfra, buckets, assets, tmp_path, library_keys):
    """One run (4K renditions are not cheap), checked output by output below."""
    finished = run_example(vidinfra, buckets, assets, tmp_path)
    job_completes_and_reports_every_format(finished)
    mp4_without_destination_lands_in_the_library_cut_sized_muted(finished, library_keys)
    advanced_hls_master_variants_and_subtitles(finished)
    advanced_mp4_one_file_per_stream_with_the_subtitle_track(finished)
    thumbnail_gif_and_the_second_mp4(finished)
    destination_permissions_make_the_files_public(finished)
    no_secret_is_stored_or_shown(finished)


def run_example(vidinfra, buckets, assets, tmp_path):
    """The example (minus what is not supported yet) run by a real worker. The clip is 2 s long, so
    the first mp4's cut (12 s for 10 s in the example) is moved inside it."""
    body = buckets.point(supported(load_seed()), assets)
    body["format"][0].update(start_time="0.5", duration="1")
    created = vidinfra.post("/jobs", body, format="json")
    assert created.status_code == 200, created.json()
    run_burst()
    job = vidinfra.get(f"/jobs/{created.json()['result']['id']}").json()["result"]
    local = tmp_path / "out"
    for key in buckets.s3.keys(buckets.destination):
        target = local / key
        target.parent.mkdir(parents=True, exist_ok=True)
        buckets.s3.client().download_file(buckets.destination, key, str(target))
    return job, local / PREFIX, buckets


def stream_summary(path: Path) -> list[tuple]:
    return [
        (s["codec_type"], s["codec_name"], s.get("width"), s.get("height"), s.get("tags", {}).get("language"))
        for s in ffprobe(path)["streams"]
    ]


def duration(path: Path) -> float:
    return float(ffprobe(path)["format"]["duration"])


def job_completes_and_reports_every_format(finished):
    job, _, _ = finished

    assert (job["status"], job["progress"], job["error"]) == ("completed", 100.0, "")
    assert [(o["format"], o["output"], o["status"]) for o in job["outputs"]] == [
        (0, "mp4", "completed"),
        (1, "advanced_hls", "completed"),
        (2, "advanced_mp4", "completed"),
        (3, "thumbnail", "completed"),
        (4, "gif", "completed"),
        (5, "mp4", "completed"),
    ]
    for output in job["outputs"]:
        assert output["files"] and all(f["size"] > 0 for f in output["files"]), output
    notes = [m["message"] for m in job["messages"]]
    assert any("preset 'media'" in n for n in notes) and any("vprofile 'mediam'" in n for n in notes)
    assert "Subtitles were to be copied, but the source has none." in notes


def mp4_without_destination_lands_in_the_library_cut_sized_muted(finished, library_keys):
    job, _, _ = finished
    (file,) = job["outputs"][0]["files"]
    assert (file["storage"], file["bucket"], file["type"]) == ("library", None, "video")
    path = Path(settings.MEDIA_ROOT) / f"libraries/{library_keys.id}" / file["path"]
    assert re.fullmatch(r"vidinfra/[0-9a-f]{16}/f0/video\.mp4", file["path"])

    assert stream_summary(path) == [("video", "h264", 2560, 1440, "und")]  # audio_mute: no audio stream
    assert duration(path) == pytest.approx(1.0, abs=0.1)  # start_time 0.5, duration 1
    video = ffprobe(path)["streams"][0]
    assert video["avg_frame_rate"] == "30/1"
    assert (file["width"], file["height"], file["duration"]) == (2560, 1440, pytest.approx(1.0, abs=0.1))
    assert decodes(path)


def pixel(path: Path, x: int, y: int) -> tuple[int, int, int]:
    command = ["ffmpeg", "-v", "error", "-i", str(path), "-vf", f"format=rgb24,crop=1:1:{x}:{y}", "-frames:v", "1"]
    command += ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    return tuple(subprocess.run(command, capture_output=True, check=True, timeout=60).stdout[:3])


def advanced_hls_master_variants_and_subtitles(finished):
    _, out, _ = finished
    master = (out / "playlist.m3u8").read_text()

    infos = re.findall(r"#EXT-X-STREAM-INF:(.*)\n(.*)", master)
    assert sorted((re.search(r"RESOLUTION=(\S+?),", a).group(1), uri) for a, uri in infos) == [
        ("2560x1440", "1440p/video.m3u8"),
        ("3840x2160", "2160p/video.m3u8"),
    ]
    assert all('SUBTITLES="subs"' in attributes and "mp4a" not in attributes for attributes, _ in infos)
    assert 'TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="eng"' in master
    assert 'URI="subtitles/eng.m3u8"' in master and "TYPE=AUDIO" not in master  # muted: no audio group
    for name, size in (("2160p", (3840, 2160)), ("1440p", (2560, 1440))):
        segments = parse_segments((out / name / "video.m3u8").read_text())
        assert sum(s.duration for s in segments) == pytest.approx(2.0, abs=0.1)
        first = out / name / segments[0].uri
        assert stream_summary(first) == [("video", "h264", *size, None)]
        assert decodes(out / name / "video.m3u8")
    playlist = (out / "subtitles/eng.m3u8").read_text()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in playlist and "\neng.vtt\n" in playlist and "#EXT-X-ENDLIST" in playlist
    vtt = (out / "subtitles/eng.vtt").read_text()
    assert vtt.startswith("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:") and cue_count(vtt) == 2 and "Second line" in vtt


def advanced_mp4_one_file_per_stream_with_the_subtitle_track(finished):
    _, out, _ = finished
    for name, size in (("2160p", (3840, 2160)), ("1440p", (2560, 1440))):
        path = out / f"{name}.mp4"
        assert stream_summary(path) == [("video", "h264", *size, "und"), ("subtitle", "mov_text", None, None, "eng")]
        assert duration(path) == pytest.approx(2.0, abs=0.1)


def thumbnail_gif_and_the_second_mp4(finished):
    _, out, _ = finished

    assert stream_summary(out / "thumbnail.jpg") == [("video", "mjpeg", 270, 152, None)]  # within 270x270
    gif = ffprobe(out / "animation.gif")
    assert [(s["codec_name"], s["width"], s["height"]) for s in gif["streams"]] == [("gif", 320, 180)]
    assert float(gif["format"]["duration"]) == pytest.approx(2.0, abs=0.15)
    assert stream_summary(out / "video.mp4") == [("video", "h264", 3840, 2160, "und")]  # upscaled, muted
    assert duration(out / "video.mp4") == pytest.approx(2.0, abs=0.1)


def destination_permissions_make_the_files_public(finished):
    _, _, buckets = finished
    client = buckets.s3.client()
    for key in (f"{PREFIX}/playlist.m3u8", f"{PREFIX}/2160p.mp4", f"{PREFIX}/thumbnail.jpg"):
        grants = client.get_object_acl(Bucket=buckets.destination, Key=key)["Grants"]
        assert any(g["Grantee"].get("URI", "").endswith("/AllUsers") and g["Permission"] == "READ" for g in grants)
    head = client.head_object(Bucket=buckets.destination, Key=f"{PREFIX}/subtitles/eng.vtt")
    assert head["ContentType"].split(";")[0] == "text/vtt"  # with the charset the playback URLs give


def no_secret_is_stored_or_shown(finished):
    job, _, _ = finished
    process = EncodingProcess.objects.get(public_id=job["id"])
    shown = json.dumps(job) + json.dumps(process.request)
    for secret in ("source_secret", "destination_secret", "source_key", "destination_key"):
        assert secret not in json.dumps(process.request)
        assert f'"{secret}"' not in shown
    assert job["source"]["key"] == "****_key" and job["source"]["secret"] == "****cret"
    for fmt in job["format"]:
        if fmt["destination"]:
            assert (fmt["destination"]["key"], fmt["destination"]["secret"]) == ("****_key", "****cret")
    stored = json.dumps(process.source) + json.dumps([j.destination for j in process.jobs.all()])
    assert "destination_secret" not in stored and "source_secret" not in stored


def test_the_logo_keeps_its_size_with_its_top_left_corner_at_x_y(vidinfra, buckets, assets, media_dir):
    gray = media_dir / "gray-640.mp4"
    command = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=gray:size=640x360:rate=25:duration=1"]
    subprocess.run([*command, "-c:v", "libx264", "-pix_fmt", "yuv420p", str(gray)], check=True, timeout=60)
    buckets.s3.client().upload_file(str(gray), buckets.source, "gray.mp4")
    body = buckets.point(
        {
            "source": {"type": "s3", "bucket": "x", "path": "/gray.mp4", "key": "k", "secret": "s"},
            "format": [{"output": "mp4", "height": 360, "logo": {"source": "", "x": "100", "y": "50"}}],
        },
        assets,
    )
    job_id = vidinfra.post("/jobs", body, format="json").json()["result"]["id"]
    run_burst()
    (file,) = vidinfra.get(f"/jobs/{job_id}").json()["result"]["outputs"][0]["files"]
    path = Path(settings.MEDIA_ROOT) / f"libraries/{EncodingProcess.objects.get().library_id}" / file["path"]

    # The logo is a 32x16 red image: it covers x 100-131, y 50-65 of the output, and nothing else.
    for x, y in ((102, 52), (116, 58), (129, 63)):
        red, green, blue = pixel(path, x, y)
        assert red > 200 and green < 60 and blue < 60, (x, y, red, green, blue)
    for x, y in ((96, 58), (136, 58), (116, 46), (116, 70), (10, 10)):
        assert all(100 < value < 160 for value in pixel(path, x, y)), (x, y)

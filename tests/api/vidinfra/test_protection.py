"""advanced_dash, `encryption` and `cenc_drm` end to end: a real worker writes them to S3, and each
file is checked as a player (or someone without the key) would see it."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from media_platform.engine.mp4boxes import find_all, pssh_box, tenc_key_ids
from media_platform.engine.mpd import CENC, MPD
from tests.support.workers import run_burst

from .conftest import KEY, KEY_ID

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers]
WIDEVINE = "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"
LADDER = [{"video_codec": "libx264", "height": 180}, {"video_codec": "libx264", "height": 120}]


def destination(path: str) -> dict:
    return {"type": "s3", "bucket": "x", "key": "k", "secret": "s", "path": path}


def request() -> dict:
    pssh = base64.b64encode(pssh_box(WIDEVINE, [KEY_ID], b"")).decode()
    cenc = {"key": KEY, "key_id": KEY_ID, "pssh": pssh, "la_url": "https://license.example/wv"}
    return {
        "source": {"type": "s3", "bucket": "x", "key": "k", "secret": "s", "path": "/video.mp4"},
        "format": [
            {"output": "advanced_dash", "stream": LADDER, "segment_duration": "1", "destination": destination("dash")},
            {"output": "advanced_dash", "stream": LADDER, "cenc_drm": cenc, "destination": destination("drm")},
            {"output": "advanced_hls", "stream": LADDER[:1], "encryption": {"key": KEY},
             "destination": destination("aes")},
            {"output": "mp4", "height": 120, "cenc_drm": cenc, "destination": destination("mp4")},
        ],
    }  # fmt: skip


@pytest.fixture
def finished(vidinfra, buckets, tmp_path, settings):
    settings.PUBLIC_BASE_URL = "http://testserver"
    created = vidinfra.post("/jobs", buckets.point(request()), format="json")
    assert created.status_code == 200, created.json()
    run_burst()
    job = vidinfra.get(f"/jobs/{created.json()['result']['id']}").json()["result"]
    for key in buckets.s3.keys(buckets.destination):
        target = tmp_path / key
        target.parent.mkdir(parents=True, exist_ok=True)
        buckets.s3.client().download_file(buckets.destination, key, str(target))
    return job, tmp_path


def test_every_protected_output_completes(finished):
    job, _ = finished
    assert (job["status"], job["error"]) == ("completed", ""), job
    assert [(o["output"], o["status"]) for o in job["outputs"]] == [
        ("advanced_dash", "completed"), ("advanced_dash", "completed"), ("advanced_hls", "completed"),
        ("mp4", "completed"),
    ]  # fmt: skip
    assert KEY not in str(job)


def test_dash_writes_an_mpd_and_cmaf_segments_that_also_serve_hls(finished):
    _, out = finished
    root = ET.parse(out / "dash/playlist.mpd").getroot()
    heights = sorted(int(r.get("height")) for r in root.iter(f"{{{MPD}}}Representation") if r.get("height"))
    assert heights == [120, 180]
    assert len(list((out / "dash").glob("chunk-*.m4s"))) >= 3 * 2  # 2 s in 1 s segments, 3 streams
    master = (out / "dash/playlist-cmaf.m3u8").read_text()
    assert master.count("#EXT-X-STREAM-INF") == 2


def test_cenc_dash_and_mp4_carry_the_key_id_and_the_drm_systems(finished):
    _, out = finished
    root = ET.parse(out / "drm/playlist.mpd").getroot()
    kids = {p.get(f"{{{CENC}}}default_KID") for p in root.iter(f"{{{MPD}}}ContentProtection")} - {None}
    assert kids == {"a7e61c37-3e21-9033-c210-91fa607bf3b8"}
    assert "https://license.example/wv" in (out / "drm/playlist.mpd").read_text()
    assert not (out / "drm/playlist-cmaf.m3u8").exists()  # its HLS would need SAMPLE-AES: not written
    for path in [*(out / "drm").glob("init-*.m4s"), out / "mp4/video.mp4"]:
        data = path.read_bytes()
        assert set(tenc_key_ids(data)) == {KEY_ID} and len(find_all(data, b"pssh")) == 2, path


def test_aes_hls_names_the_platforms_key_url_which_serves_the_key(finished, client):
    _, out = finished
    playlist = (out / "aes/180p/video.m3u8").read_text()
    uri = re.search(r'#EXT-X-KEY:METHOD=AES-128,URI="([^"]+)"', playlist).group(1)
    assert re.fullmatch(r"http://testserver/keys/[A-Za-z0-9_-]{21}\.key", uri)
    assert client.get(uri.removeprefix("http://testserver")).content == bytes.fromhex(KEY)
    segment = next(Path(out / "aes/180p").glob("*.ts")).read_bytes()
    assert segment[0] != 0x47 or segment[188] != 0x47

"""pssh insertion and MPD ContentProtection, on real files from ffmpeg."""

from __future__ import annotations

import base64
import subprocess
import xml.etree.ElementTree as ET

import pytest

from media_platform.engine.mp4boxes import find_all, insert_pssh, iter_boxes, pssh_box, tenc_key_ids
from media_platform.engine.mpd import CENC, COMMON_SYSTEM, DASHIF, MPD, protect
from tests.support.media import make_clip

KEY = "76a6c65c5ea762046bd749a2e632ccbb"
KID = "a7e61c373e219033c21091fa607bf3b8"
WIDEVINE = "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"


@pytest.fixture(scope="module")
def encrypted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cenc")
    clip = make_clip(folder / "clip.mp4", duration=1)
    target = folder / "enc.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(clip), "-c", "copy", "-movflags", "+faststart",
         "-encryption_scheme", "cenc-aes-ctr", "-encryption_key", KEY, "-encryption_kid", KID, str(target)],
        check=True,
    )  # fmt: skip
    return target


def test_tenc_names_the_key_id(encrypted):
    assert set(tenc_key_ids(encrypted.read_bytes())) == {KID}


@pytest.mark.ffmpeg
def test_inserted_pssh_is_found_and_the_file_still_decrypts(encrypted, tmp_path):
    box = pssh_box(WIDEVINE, [KID], b"payload")
    patched = insert_pssh(encrypted.read_bytes(), box)
    found = find_all(patched, b"pssh")
    assert len(found) == 1 and patched[found[0].start : found[0].end] == box
    assert [b.kind for b in iter_boxes(patched)][:2] == [b"ftyp", b"moov"]
    target = tmp_path / "with-pssh.mp4"
    target.write_bytes(patched)
    decrypted = subprocess.run(
        ["ffmpeg", "-v", "error", "-decryption_key", KEY, "-i", str(target), "-f", "null", "-"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert decrypted.returncode == 0 and not decrypted.stderr.strip()  # chunk offsets moved with the moov


def test_mpd_gets_content_protection_in_every_adaptation_set():
    manifest = (
        f'<?xml version="1.0"?><MPD xmlns="{MPD}"><Period><AdaptationSet id="0"><Representation id="0"/>'
        '</AdaptationSet><AdaptationSet id="1"/></Period></MPD>'
    )
    boxes = [pssh_box(COMMON_SYSTEM, [KID], b""), pssh_box(WIDEVINE, [KID], b"x")]
    root = ET.fromstring(protect(manifest, key_id_hex=KID, pssh_boxes=boxes, license_url="https://lic.example/wv"))
    for adaptation in root.iter(f"{{{MPD}}}AdaptationSet"):
        protections = adaptation.findall(f"{{{MPD}}}ContentProtection")
        assert protections[0].get(f"{{{CENC}}}default_KID") == "a7e61c37-3e21-9033-c210-91fa607bf3b8"
        schemes = [p.get("schemeIdUri") for p in protections]
        assert schemes == ["urn:mpeg:dash:mp4protection:2011", f"urn:uuid:{COMMON_SYSTEM}", f"urn:uuid:{WIDEVINE}"]
        assert base64.b64decode(protections[2].find(f"{{{CENC}}}pssh").text) == boxes[1]
        assert protections[2].find(f"{{{DASHIF}}}laurl").text == "https://lic.example/wv"
        assert protections[1].find(f"{{{DASHIF}}}laurl") is None

"""DASH/CMAF packaging, AES-128 HLS and CENC on real encodes, checked the way a player (or an
attacker without the key) would see them."""

from __future__ import annotations

import base64
import os
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import imageio_ffmpeg
import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from media_platform.engine.finish import apply_finishers
from media_platform.engine.hls import parse_segments, video_codec_string
from media_platform.engine.ladder import build_ladder
from media_platform.engine.masters import PROBE_BYTES, decrypted_start, probe_streams, segment_key
from media_platform.engine.mp4boxes import find_all, iter_boxes, tenc_key_ids
from media_platform.engine.mpd import CENC, COMMON_SYSTEM, MPD, pssh_system
from media_platform.engine.plan import plan_process
from media_platform.engine.plan.graph import EncodeContext
from media_platform.engine.probe import VideoStreamInfo, probe_file
from media_platform.engine.runner import run_ffmpeg
from media_platform.engine.spec import Cenc, DashJob, Encryption, HlsJob, Mp4Job

KEY = "76a6c65c5ea762046bd749a2e632ccbb"
KID = "a7e61c373e219033c21091fa607bf3b8"
IV = "0123456789abcdef0123456789abcdef"
PACKAGER = imageio_ffmpeg.get_ffmpeg_exe()


def ladder(names=("360p", "240p")):
    rungs = build_ladder(VideoStreamInfo(index=0, codec="h264", width=640, height=360, fps=25.0), enabled=names)
    return tuple(replace(r, video=replace(r.video, preset="ultrafast", gop_seconds=1.0)) for r in rungs)


def execute(jobs, source: Path, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for invocation in plan_process(
        list(enumerate(jobs)), probe_file(str(source)), EncodeContext(input_path=str(source))
    ):
        for folder in invocation.directories:
            (out / folder).mkdir(parents=True, exist_ok=True)
        for name, content in invocation.setup_files:
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(content)
        result = run_ffmpeg(invocation.argv, cwd=out, duration=invocation.duration, timeout=120)
        assert result.ok, result.stderr_tail
        apply_finishers(out, invocation.finishers, invocation.scratch, packager_binary=PACKAGER)
    return out


def frames_decoded(*args: str, binary: str = "ffmpeg") -> int:
    """Frames ffmpeg decodes from the input (args before -f null), strictly: an error fails."""
    result = subprocess.run(
        [binary, "-v", "error", "-xerror", *args, "-map", "0:v:0", "-f", "null", "-"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if result.returncode != 0:
        return 0
    stats = subprocess.run(
        [binary, "-v", "info", *args, "-map", "0:v:0", "-f", "null", "-"], capture_output=True, text=True, timeout=120
    )
    frames = [line for line in stats.stderr.splitlines() if "frame=" in line]
    return int(frames[-1].split("frame=")[1].split()[0]) if frames else 0


# --- DASH / CMAF --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dash(clips, tmp_path_factory):
    job = DashJob(renditions=ladder(), segment_duration=1.0, hls_playlist=True)
    return execute([job], clips.main, tmp_path_factory.mktemp("dash"))


def test_dash_has_an_mpd_with_every_representation_and_the_sound_apart(dash):
    root = ET.parse(dash / "playlist.mpd").getroot()
    sets = {a.get("contentType"): a for a in root.iter(f"{{{MPD}}}AdaptationSet")}
    assert set(sets) == {"video", "audio"}
    heights = sorted(int(r.get("height")) for r in sets["video"].iter(f"{{{MPD}}}Representation"))
    assert heights == [240, 360]
    assert len(list(sets["audio"].iter(f"{{{MPD}}}Representation"))) == 1


def test_dash_segments_are_cmaf_fragments(dash):
    inits = sorted(dash.glob("init-*.m4s"))
    chunks = sorted(dash.glob("chunk-*.m4s"))
    assert len(inits) == 3 and len(chunks) >= 3 * 3  # 3 s of source in 1 s segments, per stream
    assert [box.kind for box in iter_boxes(inits[0].read_bytes())][:2] == [b"ftyp", b"moov"]
    assert b"moof" in [box.kind for box in iter_boxes(chunks[0].read_bytes())]


@pytest.mark.ffmpeg
def test_dash_plays_back_whole_and_the_same_segments_serve_hls(dash):
    command = ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0"]
    duration = float(subprocess.run([*command, str(dash / "playlist.mpd")], capture_output=True, text=True).stdout)
    assert duration == pytest.approx(3.0, abs=0.1)
    master = (dash / "master.m3u8").read_text()
    assert master.count("#EXT-X-STREAM-INF") == 2 and "TYPE=AUDIO" in master
    assert frames_decoded("-i", str(dash / "master.m3u8")) == 75  # 3 s at 25 fps from the .m4s files


# --- AES-128 HLS --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def aes(clips, tmp_path_factory):
    encryption = Encryption(key=KEY, iv=IV, key_url="https://keys.example.com/k/1.key")
    job = HlsJob(renditions=ladder(("240p",)), segment_duration=1.0, encryption=encryption)
    return execute([job], clips.main, tmp_path_factory.mktemp("aes"))


def test_aes_playlists_name_the_key_url_and_iv(aes):
    playlist = (aes / "240p" / "video.m3u8").read_text()
    assert f'#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example.com/k/1.key",IV=0x{IV}' in playlist
    assert not list(aes.rglob("*.bin")) and not list(aes.rglob("*.info")), "the key is never published"


@pytest.mark.ffmpeg
def test_aes_segments_are_unreadable_without_the_key_and_decode_with_it(aes):
    segments = sorted((aes / "240p").glob("*.ts"))
    assert segments
    raw = segments[0].read_bytes()
    assert raw[0] != 0x47 or raw[188] != 0x47, "an encrypted segment is not MPEG-TS"
    assert frames_decoded("-i", str(segments[0])) == 0

    decryptor = Cipher(algorithms.AES(bytes.fromhex(KEY)), modes.CBC(bytes.fromhex(IV))).decryptor()
    plain = decryptor.update(raw) + decryptor.finalize()
    plain = plain[: -plain[-1]]  # PKCS#7
    assert plain[0] == 0x47 and plain[188] == 0x47 and len(plain) % 188 == 0
    clear = aes / "clear.ts"
    clear.write_bytes(plain)
    assert frames_decoded("-i", str(clear)) > 0
    # what the finisher probes (the key kept off ffprobe's command line): the same clear bytes
    assert decrypted_start(segments[0], KEY, IV) == plain[:PROBE_BYTES]


def test_aes_segments_all_use_the_playlists_key(aes):
    playlist = aes / "240p" / "video.m3u8"
    segments = parse_segments(playlist.read_text())
    assert len(segments) >= 3
    assert playlist.read_text().count("#EXT-X-KEY") == 1


@pytest.mark.ffmpeg
def test_the_aes_master_names_the_codecs_of_the_decrypted_segments(aes):
    # Ciphertext probed as it is reads as nothing, or by chance as another codec ("h263"): the
    # finisher probes the first segment through its key, so CODECS is what the segment holds.
    (master,) = [m for m in aes.rglob("*.m3u8") if "#EXT-X-STREAM-INF" in m.read_text()]
    first = sorted((aes / "240p").glob("*.ts"))[0]
    streams = probe_streams(first, aes=(KEY, IV))
    video = next(s for s in streams if s["codec_type"] == "video")
    expected = video_codec_string(video["codec_name"], video.get("profile"), video.get("level"))
    assert video["codec_name"] == "h264" and not probe_streams(first)
    assert f'CODECS="{expected},mp4a.40.2"' in master.read_text()


def test_without_an_iv_a_segment_is_opened_with_its_media_sequence_number(tmp_path):
    playlist = tmp_path / "video.m3u8"
    playlist.write_text("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:4,\nvideo7.ts\n")
    assert segment_key(Encryption(key=KEY), playlist) == (KEY, f"{7:032x}")
    assert segment_key(Encryption(key=KEY, iv="0x" + IV.upper()), playlist) == (KEY, IV)
    assert segment_key(None, playlist) is None


# --- CENC ---------------------------------------------------------------------------------
WIDEVINE = "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"


def widevine_pssh() -> str:
    from media_platform.engine.mp4boxes import pssh_box

    return base64.b64encode(pssh_box(WIDEVINE, [KID], b"\x12\x10" + bytes.fromhex(KID))).decode()


@pytest.fixture(scope="module")
def cenc(clips, tmp_path_factory):
    protection = Cenc(key=KEY, key_id=KID, pssh=widevine_pssh(), la_url="https://license.example.com/wv")
    jobs = [
        Mp4Job(rendition=ladder(("240p",))[0], filename="protected.mp4", cenc=protection),
        DashJob(renditions=ladder(), segment_duration=1.0, prefix="dash", cenc=protection),
    ]
    return execute(jobs, clips.main, tmp_path_factory.mktemp("cenc"))


def test_cenc_mp4_carries_tenc_and_pssh_for_the_key_id(cenc):
    data = (cenc / "protected.mp4").read_bytes()
    assert set(tenc_key_ids(data)) == {KID}
    systems = {pssh_system(data[box.start : box.end]) for box in find_all(data, b"pssh")}
    assert systems == {COMMON_SYSTEM, WIDEVINE}


@pytest.mark.ffmpeg
def test_cenc_mp4_decodes_only_with_the_key(cenc):
    path = str(cenc / "protected.mp4")
    assert frames_decoded("-decryption_key", KEY, "-i", path, binary=PACKAGER) == 75
    wrong = "00" * 16
    assert frames_decoded("-decryption_key", wrong, "-i", path, binary=PACKAGER) == 0


def test_cenc_dash_names_the_key_id_in_the_mpd_and_its_init_segments(cenc):
    root = ET.parse(cenc / "dash" / "playlist.mpd").getroot()
    for adaptation in root.iter(f"{{{MPD}}}AdaptationSet"):
        protections = adaptation.findall(f"{{{MPD}}}ContentProtection")
        kids = {p.get(f"{{{CENC}}}default_KID") for p in protections} - {None}
        assert kids == {"a7e61c37-3e21-9033-c210-91fa607bf3b8"}
        assert {p.get("schemeIdUri") for p in protections} >= {f"urn:uuid:{WIDEVINE}", f"urn:uuid:{COMMON_SYSTEM}"}
    for init in (cenc / "dash").glob("init-*.m4s"):
        assert set(tenc_key_ids(init.read_bytes())) == {KID}
        assert len(find_all(init.read_bytes(), b"pssh")) == 2


def test_a_long_encrypted_segment_is_probed_from_its_decrypted_start(tmp_path):
    plain = os.urandom(PROBE_BYTES * 2 + 100)
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(bytes.fromhex(KEY)), modes.CBC(bytes.fromhex(IV))).encryptor()
    segment = tmp_path / "long.ts"
    segment.write_bytes(encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize())
    assert decrypted_start(segment, KEY, IV) == plain[:PROBE_BYTES]

"""After the encode: DASH/CMAF packaging and CENC encryption, both by stream copy.

Debian's ffmpeg 5.1 writes fragmented CENC with its encryption info in the (empty) moov rather
than in each fragment, which no player can decrypt; the packager binary passed in (the static
ffmpeg 9 of imageio-ffmpeg) does it right, so encryption always goes through it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .hls import with_target_duration
from .mp4boxes import decode_pssh, insert_pssh, pssh_box
from .mpd import COMMON_SYSTEM, protect
from .plan.outputs import CencBoxes, DashPackage
from .spec import Cenc


class PackagingError(RuntimeError):
    pass


def _run(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=3600, check=False)
    if result.returncode != 0:
        raise PackagingError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "packaging failed")


def encryption_options(cenc: Cenc) -> list[str]:
    return ["-encryption_scheme", "cenc-aes-ctr", "-encryption_key", cenc.key, "-encryption_kid", cenc.key_id]


def pssh_boxes(cenc: Cenc) -> list[bytes]:
    """The W3C common pssh (what ClearKey players read) and the client's own, when given."""
    boxes = [pssh_box(COMMON_SYSTEM, [cenc.key_id], b"")]
    if cenc.pssh:
        raw = decode_pssh(cenc.pssh)
        if raw[4:8] != b"pssh":
            raise PackagingError("pssh must be a base64-encoded pssh box")
        boxes.append(raw)
    return boxes


def add_pssh(path: Path, boxes: list[bytes]) -> None:
    data = path.read_bytes()
    for box in boxes:
        data = insert_pssh(data, box)
    path.write_bytes(data)


def package_dash(workdir: Path, finisher: DashPackage, packager: str) -> None:
    manifest = workdir / finisher.manifest
    manifest.parent.mkdir(parents=True, exist_ok=True)
    inputs = [*finisher.videos, *([finisher.audio] if finisher.audio else [])]
    argv = [packager, "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    for path in inputs:
        argv += ["-i", str(workdir / path)]
    for number in range(len(inputs)):
        argv += ["-map", f"{number}:0"]
    sets = "id=0,streams=v" + (" id=1,streams=a" if finisher.audio else "")
    # fMP4 segments whatever the codec (ffmpeg would pick WebM for VP9, which HLS cannot list).
    argv += ["-c", "copy", "-f", "dash", "-dash_segment_type", "mp4"]
    argv += ["-seg_duration", f"{finisher.segment_duration:g}", "-use_template", "1"]
    argv += ["-use_timeline", "1", "-adaptation_sets", sets]
    argv += [
        "-init_seg_name",
        "init-$RepresentationID$.m4s",
        "-media_seg_name",
        "chunk-$RepresentationID$-$Number%05d$.m4s",
    ]
    if finisher.hls_master:
        argv += ["-hls_playlist", "1", "-hls_master_name", finisher.hls_master]
    if finisher.cenc:
        argv += [
            "-format_options",
            ":".join(f"{k.lstrip('-')}={v}" for k, v in _pairs(encryption_options(finisher.cenc))),
        ]
    _run([*argv, str(manifest)])
    if finisher.hls_master:
        for playlist in manifest.parent.glob("*.m3u8"):  # the master has no target duration to mend
            playlist.write_text(with_target_duration(playlist.read_text()))
    if finisher.cenc:
        boxes = pssh_boxes(finisher.cenc)
        for init in manifest.parent.glob("init-*.m4s"):
            add_pssh(init, boxes)
        text = protect(
            manifest.read_text(), key_id_hex=finisher.cenc.key_id, pssh_boxes=boxes, license_url=finisher.cenc.la_url
        )
        manifest.write_text(text)


def _pairs(options: list[str]) -> list[tuple[str, str]]:
    return list(zip(options[::2], options[1::2], strict=True))


def encrypt_mp4(workdir: Path, finisher: CencBoxes, packager: str) -> None:
    """Encrypt an MP4 in place (stream copy) and give it its pssh boxes."""
    path = workdir / finisher.path
    encrypted = path.with_name(f".cenc-{path.name}")
    argv = [packager, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", str(path), "-map", "0"]
    _run([*argv, "-c", "copy", *encryption_options(finisher.cenc), "-movflags", "+faststart", str(encrypted)])
    encrypted.replace(path)
    add_pssh(path, pssh_boxes(finisher.cenc))

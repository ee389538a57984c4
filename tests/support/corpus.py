"""The worst files a video platform is handed, made at test time with ffmpeg and byte surgery."""

from __future__ import annotations

import os
import random
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.support.media import make_clip


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True, timeout=120)


def _bytes(data: bytes) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return make


def _truncated(share: float, *, faststart: bool = False) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        whole = make_clip(
            path.with_name(f"whole{'-fs' if faststart else ''}.mp4"),
            duration=3,
            extra=["-movflags", "+faststart"] if faststart else [],
        )
        data = whole.read_bytes()
        path.write_bytes(data[: int(len(data) * share)])
        return path

    return make


def _corrupted_middle(path: Path) -> Path:
    data = bytearray(
        make_clip(path.with_name("whole-ts.mp4"), duration=3, extra=["-movflags", "+faststart"]).read_bytes()
    )
    rng = random.Random(7)
    start = len(data) // 2
    for i in range(start, start + len(data) // 20):
        data[i] = rng.randrange(256)
    path.write_bytes(bytes(data))
    return path


def _clip(**options) -> Callable[[Path], Path]:
    return lambda path: make_clip(path, **options)


def _rotated(degrees: int) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        source = make_clip(path.with_name("to-rotate.mp4"), size="320x180", duration=1)
        ffmpeg("-i", str(source), "-c", "copy", "-metadata:s:v:0", f"rotate={degrees}", str(path))
        return path

    return make


def _image(path: Path) -> Path:
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", str(path))
    return path


def _vfr(path: Path) -> Path:
    source = make_clip(path.with_name("cfr.mp4"), duration=2, rate=30)
    # Drop every third frame and keep timestamps: a variable frame rate.
    ffmpeg(
        "-i",
        str(source),
        "-vf",
        "select='not(eq(mod(n\\,3)\\,2))'",
        "-fps_mode",
        "vfr",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-c:a",
        "copy",
        str(path),
    )
    return path


def _interlaced(path: Path) -> Path:
    return make_clip(
        path, size="320x240", duration=1, extra=["-vf", "tinterlace=4", "-flags", "+ilme+ildct", "-field_order", "tt"]
    )


def _ten_bit(path: Path) -> Path:
    return make_clip(path, duration=1, extra=["-pix_fmt", "yuv420p10le"])


def _hdr(path: Path) -> Path:
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=1",
        "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le", "-x265-params", "log-level=error",
        "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", str(path),
    )  # fmt: skip
    return path


def _surround(path: Path) -> Path:
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=1",
        "-f", "lavfi", "-i", "sine=duration=1",
        "-filter_complex", "[1:a]pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0[a]",
        "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(path),
    )  # fmt: skip
    return path


def _two_audio(path: Path) -> Path:
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=1",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-f", "lavfi", "-i", "sine=frequency=880:duration=1",
        "-map", "0", "-map", "1", "-map", "2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(path),
    )  # fmt: skip
    return path


def _patch_mvhd_duration(path: Path) -> Path:
    """A header that claims ten hours for a one-second clip."""
    data = bytearray(make_clip(path.with_name("short.mp4"), duration=1, extra=["-movflags", "+faststart"]).read_bytes())
    at = data.find(b"mvhd") + 4
    version = data[at]
    field = at + 4 + (16 if version == 1 else 8)
    timescale = struct.unpack(">I", data[field : field + 4])[0]
    struct.pack_into(">I", data, field + 4, timescale * 36000)
    path.write_bytes(bytes(data))
    return path


def _bomb(path: Path) -> Path:
    """A tiny Motion-JPEG file whose frames claim 16384×16384 pixels."""
    source = path.with_name("small-mjpeg.avi")
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x64:rate=5:duration=1", "-c:v", "mjpeg", str(source))
    data = bytearray(source.read_bytes())
    at = 0
    while (at := data.find(b"\xff\xc0", at)) != -1:
        struct.pack_into(">HH", data, at + 5, 16384, 16384)
        at += 2
    path.write_bytes(bytes(data))
    return path


def _playlist(target: str) -> Callable[[Path], Path]:
    return _bytes(f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n{target}\n#EXT-X-ENDLIST\n".encode())


CORPUS: dict[str, Callable[[Path], Path]] = {
    "zero-bytes.mp4": _bytes(b""),
    "random-bytes.mp4": _bytes(os.urandom(64 * 1024)),
    "text.mp4": _bytes(b"just some text, not a video\n" * 100),
    "truncated-10.mp4": _truncated(0.10),
    "truncated-50.mp4": _truncated(0.50),
    "truncated-99.mp4": _truncated(0.99),
    "faststart-truncated-50.mp4": _truncated(0.50, faststart=True),
    "moov-at-end.mp4": _clip(duration=1),
    "corrupted-middle.mp4": _corrupted_middle,
    "audio-only.m4a": _clip(video=False, duration=1),
    "image.png": _image,
    "no-audio.mp4": _clip(audio=False, duration=1),
    "odd-853x479.mp4": _clip(size="853x479", duration=1, extra=["-pix_fmt", "yuv444p"]),
    "tiny-16x16.mp4": _clip(size="16x16", duration=1),
    "large-4096x2160.mp4": _clip(size="4096x2160", duration=0.5, audio=False),
    "rotate-90.mp4": _rotated(90),
    "rotate-270.mp4": _rotated(270),
    "vfr.mp4": _vfr,
    "interlaced.mp4": _interlaced,
    "ten-bit.mp4": _ten_bit,
    "hdr-pq.mp4": _hdr,
    "surround.mp4": _surround,
    "two-audio.mp4": _two_audio,
    "absurd-duration.mp4": _patch_mvhd_duration,
    "playlist-file.m3u8": _playlist("file:///etc/passwd"),
    "playlist-loopback.m3u8": _playlist("http://127.0.0.1:1/segment.ts"),
    "concat-trick.txt": _bytes(
        b"ffconcat version 1.0\nfile 'subfile,,start,0,end,0,,:/etc/passwd'\nfile '/etc/passwd'\n"
    ),
    "bomb-16k.avi": _bomb,
}


def build(name: str, folder: Path) -> Path:
    path = folder / name
    if not path.exists():
        CORPUS[name](path)
    return path

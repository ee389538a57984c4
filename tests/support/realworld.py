"""Files shaped like the real uploads that showed what the engine got wrong (issue 13), made at
test time with ffmpeg and, for the damaged ones, byte surgery. Each stays a second or two."""

from __future__ import annotations

import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

LAVFI_PICTURE = "testsrc2=size={size}:rate={rate}:duration={seconds}"
LAVFI_SOUND = "sine=frequency=440:sample_rate=48000:duration={seconds}"
X264 = ("-c:v", "libx264", "-preset", "veryfast")  # B-frames, as cameras and encoders make them


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True, timeout=120)


def _clip(path: Path, *, size: str, rate: float = 25, seconds: float = 2, extra: tuple[str, ...] = ()) -> Path:
    ffmpeg(
        *("-f", "lavfi", "-i", LAVFI_PICTURE.format(size=size, rate=rate, seconds=seconds)),
        *("-f", "lavfi", "-i", LAVFI_SOUND.format(seconds=seconds)),
        *X264,
        *extra,
        *("-c:a", "aac", "-shortest", str(path)),
    )
    return path


def odd_16_9(path: Path) -> Path:
    """720x405: 16:9 with an odd side (lavfi makes even pictures: scaled after; 4:4:4 keeps it odd)."""
    return _clip(path, size="720x406", seconds=1, extra=("-vf", "scale=720:405,setsar=1", "-pix_fmt", "yuv444p"))


def odd_4_3(path: Path) -> Path:
    """640x465: an odd height the ladder must not round into its aspect."""
    return _clip(path, size="640x466", seconds=1, extra=("-vf", "scale=640:465,setsar=1", "-pix_fmt", "yuv444p"))


def short_container(path: Path) -> Path:
    """24 fps, 48 frames, whose last frame lasts a third of its time: the stream's stated
    duration is short, and ffprobe's average rate claims 24.355 fps."""
    whole = _clip(path.with_name(f"{path.stem}-whole.mp4"), size="320x180", rate=24, extra=("-bf", "0"))
    ffmpeg("-i", str(whole), "-c", "copy", "-bsf:v", "setts=duration='if(eq(N,47),DURATION/3,DURATION)'", str(path))
    return path


def one_frame_dv(path: Path) -> Path:
    """One PAL DV frame (720x576 at SAR 16:15, 0.04 s) with its sound, whose subcode carries no
    timecode: the DV demuxer says "Detected timecode is invalid" at error level."""
    ffmpeg(
        *("-f", "lavfi", "-i", LAVFI_PICTURE.format(size="720x576", rate=25, seconds=0.04)),
        *("-f", "lavfi", "-i", LAVFI_SOUND.format(seconds=0.2)),
        *("-c:v", "dvvideo", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le", "-ac", "2", "-f", "dv", str(path)),
    )
    data = bytearray(path.read_bytes())
    timecode_pack = 80 + 6  # first subcode block's first pack (libavformat/dv.c reads it there)
    assert data[timecode_pack] == 0x13, "the DV muxer wrote no timecode pack where the demuxer looks"
    data[timecode_pack] = 0xFF  # "no info"
    path.write_bytes(bytes(data))
    return path


def one_fps(path: Path) -> Path:
    """Two seconds at 1 fps: the encoder's reordering delay is a whole second."""
    return _clip(path, size="320x240", rate=1)


def late_sound(path: Path) -> Path:
    """The sound starts half a second after the picture (Matroska keeps the gap)."""
    ffmpeg(
        *("-f", "lavfi", "-i", LAVFI_PICTURE.format(size="320x180", rate=25, seconds=2)),
        *("-itsoffset", "0.5", "-f", "lavfi", "-i", LAVFI_SOUND.format(seconds=1.5)),
        *("-map", "0:v", "-map", "1:a", *X264, "-c:a", "aac", str(path)),
    )
    return path


def anamorphic(path: Path) -> Path:
    """PAL 720x576 stored, SAR 16:15: shown 768x576."""
    return _clip(path, size="720x576", seconds=1, extra=("-vf", "setsar=16/15", "-pix_fmt", "yuv420p"))


def rotated(path: Path) -> Path:
    """320x180 stored with a rotate tag of 90: shown 180x320."""
    landscape = _clip(path.with_name(f"{path.stem}-landscape.mp4"), size="320x180", seconds=1)
    ffmpeg("-i", str(landscape), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(path))
    return path


def _theora_vorbis(path: Path, seconds: float = 2) -> Path:
    # 10 fps under 48 kHz Vorbis: sound packets outnumber pictures, as in the file that showed it.
    ffmpeg(
        *("-f", "lavfi", "-i", LAVFI_PICTURE.format(size="320x240", rate=10, seconds=seconds)),
        *("-f", "lavfi", "-i", LAVFI_SOUND.format(seconds=seconds)),
        *("-c:v", "libtheora", "-q:v", "5", "-c:a", "libvorbis", str(path)),
    )
    return path


def broken_sound(path: Path, seconds: float = 2) -> Path:
    """Theora + Vorbis whose Vorbis packets cannot be decoded while every picture can: each
    sound packet after the first is made to look like a header, which the decoder refuses."""
    source = _theora_vorbis(path.with_name(f"{path.stem}-whole.ogv"), seconds)
    path.write_bytes(damage_ogg_packets(source.read_bytes(), b"\x01vorbis", header_bit=0x01))
    return path


def broken_picture(path: Path) -> Path:
    """The same damage to the Theora packets: the picture cannot be decoded, the sound can."""
    source = _theora_vorbis(path.with_name(f"{path.stem}-whole.ogv"))
    path.write_bytes(damage_ogg_packets(source.read_bytes(), b"\x80theora", header_bit=0x80))
    return path


# --- Ogg surgery ----------------------------------------------------------------------------
def _ogg_crc_table() -> list[int]:
    table = []
    for byte in range(256):
        value = byte << 24
        for _ in range(8):
            value = ((value << 1) ^ 0x04C11DB7) if value & 0x80000000 else value << 1
        table.append(value & 0xFFFFFFFF)
    return table


CRC_TABLE = _ogg_crc_table()


def ogg_crc(page: bytes) -> int:
    value = 0
    for byte in page:
        value = ((value << 8) ^ CRC_TABLE[((value >> 24) ^ byte) & 0xFF]) & 0xFFFFFFFF
    return value


def damage_ogg_packets(data: bytes, identification: bytes, *, header_bit: int) -> bytes:
    """Every data packet of the logical stream that starts with `identification`, after its
    first one, gets its first byte set to the header bit: the demuxer has stopped looking at
    headers by then, the decoder has not. Page checksums are rewritten, so only the decoder
    notices."""
    out = bytearray(data)
    position, serial_of_stream, packets = 0, None, 0
    while position < len(out):
        assert out[position : position + 4] == b"OggS", f"no Ogg page at {position}"
        count = out[position + 26]
        lacing = out[position + 27 : position + 27 + count]
        serial = struct.unpack_from("<I", out, position + 14)[0]
        body = position + 27 + count
        end = body + sum(lacing)
        if out[body : body + len(identification)] == identification:
            serial_of_stream = serial
        if serial == serial_of_stream:
            starts = [] if out[position + 5] & 1 else [body]  # a continued packet does not start here
            offset = body
            for number, size in enumerate(lacing):
                offset += size
                if size < 255 and number + 1 < count:
                    starts.append(offset)
            for start in starts:
                packets += 1
                if not out[start] & header_bit and packets > 4:  # three headers, then one good packet
                    out[start] = header_bit
            struct.pack_into("<I", out, position + 22, 0)
            struct.pack_into("<I", out, position + 22, ogg_crc(bytes(out[position:end])))
        position = end
    return bytes(out)


CASES: dict[str, Callable[[Path], Path]] = {
    "odd-16x9-720x405.mp4": odd_16_9,
    "odd-640x465.mp4": odd_4_3,
    "short-container-24fps.mp4": short_container,
    "one-frame.dv": one_frame_dv,
    "one-fps.mp4": one_fps,
    "late-sound.mkv": late_sound,
    "anamorphic-pal.mp4": anamorphic,
    "rotated-90.mp4": rotated,
    "broken-sound.ogv": broken_sound,
}


MORE: dict[str, Callable[[Path], Path]] = {
    "broken-picture.ogv": broken_picture,
    "broken-sound-8s.ogv": lambda path: broken_sound(path, seconds=8),  # long enough to be cut into pieces
}


def build(name: str, folder: Path) -> Path:
    path = folder / name
    if not path.exists():
        (CASES | MORE)[name](path)
    return path

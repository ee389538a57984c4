"""The keyframe index read from an MP4's sample tables is the one ffprobe's packet scan gives —
or, where it cannot be read that simply, it is that scan."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from media_platform.engine import mp4index
from media_platform.engine.jit import segment_grid
from media_platform.engine.keyframes import read_index
from media_platform.engine.mp4index import read_index_fast


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mp4index")

    def ffmpeg(*args: str) -> None:
        subprocess.run(["ffmpeg", "-v", "error", "-y", *args], cwd=folder, check=True, timeout=120)

    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30000/1001:duration=9"),
        *("-f", "lavfi", "-i", "sine=sample_rate=48000:duration=9"),
        *("-c:v", "libx264", "-preset", "veryfast", "-g", "40", "-c:a", "aac", "-movflags", "+faststart", "b.mp4"),
    )  # B-frames: an edit list and composition offsets
    ffmpeg("-i", "b.mp4", "-c", "copy", "late.mp4")  # the moov after the media
    ffmpeg("-i", "b.mp4", "-c", "copy", "b.mov")
    ffmpeg("-stream_loop", "3", "-i", "b.mp4", "-c", "copy", "looped.mp4")
    ffmpeg("-i", "b.mp4", "-c", "copy", "-movflags", "frag_keyframe+empty_moov", "fragmented.mp4")
    return folder


@pytest.mark.ffmpeg
@pytest.mark.parametrize("name", ["b.mp4", "late.mp4", "b.mov", "looped.mp4", "fragmented.mp4"])
def test_the_sample_tables_give_ffprobes_index(sources, name):
    fast, scanned = read_index_fast(str(sources / name), format_name="mov"), read_index(str(sources / name))
    assert len(fast.frames) == len(scanned.frames) and len(fast.keyframes) == len(scanned.keyframes)
    assert max(abs(a - b) for a, b in zip(fast.frames, scanned.frames, strict=True)) < 1e-6
    assert max(abs(a - b) for a, b in zip(fast.keyframes, scanned.keyframes, strict=True)) < 1e-6
    assert fast.frame_duration == pytest.approx(scanned.frame_duration)

    # what JIT plans from them: the same spans, to the microsecond ffmpeg is given
    def planned(index):
        return [(s.start, s.decode_from, s.frames, s.duration) for s in segment_grid(index, 4.0, format_name="mov")]

    assert planned(fast) == planned(scanned)


@pytest.mark.ffmpeg
def test_the_tables_are_read_without_the_media(sources, monkeypatch):
    calls = []
    monkeypatch.setattr(mp4index, "read_index", lambda *a, **k: calls.append(a) or pytest.fail("scanned"))
    index = read_index_fast(str(sources / "looped.mp4"), format_name="mov")
    assert len(index.frames) == 4 * 270 and calls == []


@pytest.mark.ffmpeg
def test_a_fragmented_file_or_another_container_is_scanned(sources, monkeypatch):
    scanned = []
    monkeypatch.setattr(mp4index, "read_index", lambda path, **k: scanned.append(path) or "scan")
    assert read_index_fast(str(sources / "fragmented.mp4"), format_name="mov") == "scan"
    assert read_index_fast(str(sources / "b.mp4"), format_name="mpegts") == "scan"
    assert read_index_fast("https://bucket/x", format_name="mov", protocols="http,https,tcp,tls,crypto") == "scan"
    assert len(scanned) == 3

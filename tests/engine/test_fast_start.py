"""Fast start's copy: which sources play as they are, where they are cut (their own keyframes),
and that the remuxed segments join into every source frame once."""

from __future__ import annotations

import subprocess
from dataclasses import replace

import pytest

from media_platform.engine.fast_start import copy_boundaries, copy_grid, copy_incompatibility, copy_invocation
from media_platform.engine.keyframes import KeyframeIndex, read_index
from media_platform.engine.probe import probe_file
from media_platform.engine.runner import run_ffmpeg
from media_platform.engine.tscut import split_stream

from .conftest import source_info
from .test_jit import packets

INDEX = KeyframeIndex(tuple(n / 25 for n in range(250)), (0.0, 2.0, 4.0, 6.0, 8.0), 0.04)


def test_the_copy_is_cut_on_the_sources_keyframes_at_least_a_segment_apart():
    index = KeyframeIndex(tuple(n / 25 for n in range(250)), (0.0, 1.5, 3.0, 4.5, 6.0, 7.5, 9.0), 0.04)
    grid = copy_grid(index, 4.0, format_name="mov")
    assert [(s.start, s.duration) for s in grid] == [(0.0, 4.5), (4.5, 4.5), (9.0, 1.0)]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (dict(codec="mpeg2video", profile="Main"), "not H.264"),
        (dict(profile="High 10", pix_fmt="yuv420p10le", bit_depth=10), "not H.264"),
        (dict(pix_fmt="yuv444p"), "pixel format"),
        (dict(rotation=90), "rotated"),
        (dict(sample_aspect_ratio="16:11"), "non-square"),
        (dict(fps=120.0, avg_fps=120.0), "larger or faster"),
    ],
)
def test_sources_a_browser_does_not_play_as_they_are(change, reason):
    info = source_info("h264_aac")  # 640x360 H.264 High + AAC: plays as it is
    assert copy_incompatibility(info, 720, INDEX, max_gap=10) is None
    changed = replace(info, video=replace(info.video, **change))
    assert reason in copy_incompatibility(changed, 720, INDEX, max_gap=10)
    assert "larger" in copy_incompatibility(info, 240, INDEX, max_gap=10)
    mp3 = replace(info, audio=(replace(info.audio[0], codec="mp3"),))
    assert "not AAC" in copy_incompatibility(mp3, 720, INDEX, max_gap=10)
    sparse = KeyframeIndex(INDEX.frames, (0.0,), 0.04)
    assert "keyframes" in copy_incompatibility(info, 720, sparse, max_gap=5)


@pytest.mark.ffmpeg
def test_remuxed_segments_join_into_every_frame_once(tmp_path):
    source = tmp_path / "camera.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=13", "-f", "lavfi",
         "-i", "sine=duration=13", "-c:v", "libx264", "-preset", "veryfast", "-g", "37", "-c:a", "aac", str(source)],
        check=True,
    )  # fmt: skip
    info, index = probe_file(str(source)), read_index(str(source))
    grid = copy_grid(index, 4.0, format_name=info.format_name)
    frames = []
    for first, count in [(0, 2), (2, 5)]:
        work = tmp_path / f"run{first}"
        work.mkdir()
        invocation = copy_invocation(str(source), info, grid, first, count)
        assert run_ffmpeg(invocation.argv, cwd=work, duration=invocation.duration).ok
        pieces = split_stream((work / "stream.ts").read_bytes(), copy_boundaries(grid, first, count))[:count]
        for number, data in enumerate(pieces, start=first):
            (tmp_path / f"{number}.ts").write_bytes(data)
            segment = packets(tmp_path / f"{number}.ts")
            assert segment[0][1], number  # each starts on a keyframe
            frames += [pts for pts, _ in segment]
    assert len(frames) == len(index.frames) == 325 and frames == sorted(set(frames))

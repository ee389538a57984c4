"""Chunked encoding at the engine level: pieces cut on segment boundaries join into one ladder
that plays like the unchunked one — same frames, continuous timestamps, no re-encoding."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from media_platform.engine.chunking import chunk_bounds, concat_list, joined_playlist
from media_platform.engine.finish import apply_finishers
from media_platform.engine.ladder import build_ladder, with_preset
from media_platform.engine.plan import EncodeContext, plan_process
from media_platform.engine.probe import probe_file
from media_platform.engine.runner import run_ffmpeg
from media_platform.engine.spec import AudioJob, AudioSettings, HlsJob
from tests.support.media import make_clip


@pytest.mark.parametrize(
    "duration, target, align, expected",
    [
        (12.0, 4.0, 4.0, [(0, 4), (4, 8), (8, 12)]),
        (13.0, 4.0, 4.0, [(0, 4), (4, 8), (8, 13)]),  # a 1 s tail joins the last piece
        (15.0, 4.0, 4.0, [(0, 4), (4, 8), (8, 12), (12, 15)]),
        (600.0, 60.0, 4.0, [(i * 60, i * 60 + 60) for i in range(10)]),
        (100.0, 62.0, 4.0, [(0, 48), (48, 100)]),  # two pieces, as equal as the alignment allows
        (180.0, 30.0, 4.0, [(0, 32), (32, 60), (60, 88), (88, 120), (120, 152), (152, 180)]),  # no 20 s tail
        (10.0, 1.0, 4.0, [(0, 4), (4, 10)]),  # pieces no shorter than the alignment
        (3.0, 60.0, 4.0, [(0, 3)]),
        (0.0, 60.0, 4.0, []),
    ],
)
def test_chunk_bounds_fall_on_the_alignment(duration, target, align, expected):
    assert chunk_bounds(duration, target, align) == [(float(a), float(b)) for a, b in expected]


def test_joined_playlist_lists_every_piece_in_order():
    piece = (
        "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.000000,\nvideo{0}.ts\n#EXTINF:3.5,\nvideo{1}.ts\n#EXT-X-ENDLIST\n"
    )
    text = joined_playlist([piece.format(0, 1), piece.format(2, 3)])
    assert [line for line in text.splitlines() if line.endswith(".ts")] == [f"video{i}.ts" for i in range(4)]
    assert "#EXT-X-TARGETDURATION:4" in text and text.rstrip().endswith("#EXT-X-ENDLIST")


def test_concat_list_quotes_paths():
    assert concat_list(["/a/b.mp4", "/it's.mp4"]).splitlines()[1:] == ["file '/a/b.mp4'", "file '/it'\\''s.mp4'"]


def test_concat_list_gives_each_piece_its_length_on_the_timeline():
    listing = concat_list(["0.mp4", "1.mp4"], [4.0, 3.5]).splitlines()

    assert listing[1:] == ["file '0.mp4'", "duration 4.000000", "file '1.mp4'", "duration 3.500000"]


def frames_and_times(path: Path) -> tuple[int, list[float]]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time",
         "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    times = sorted(float(p["pts_time"]) for p in json.loads(out)["packets"])
    return len(times), times


def run(invocations, workdir: Path) -> None:
    for invocation in invocations:
        for folder in invocation.directories:
            (workdir / folder).mkdir(parents=True, exist_ok=True)
        result = run_ffmpeg(invocation.argv, cwd=workdir, duration=invocation.duration)
        assert result.ok, result.stderr_tail
        apply_finishers(workdir, invocation.finishers, invocation.scratch)


@pytest.mark.ffmpeg
def test_pieces_join_into_the_same_ladder_as_one_encode(tmp_path):
    source = make_clip(tmp_path / "twelve.mp4", size="320x180", duration=12, rate=25)
    info = probe_file(str(source))
    ladder = with_preset(build_ladder(info.video, ["240p"]), "ultrafast")
    video_only = tuple(replace(r, audio=replace(r.audio, mute=True)) for r in ladder)
    hls = HlsJob(renditions=video_only)

    whole = tmp_path / "whole"
    whole.mkdir()
    run(plan_process([(0, hls)], info, EncodeContext(input_path=str(source))), whole)

    pieces = tmp_path / "pieces"
    pieces.mkdir()
    playlists = []
    for number, (start, end) in enumerate(chunk_bounds(info.duration, 4.0, hls.segment_duration)):
        folder = pieces / str(number)
        folder.mkdir()
        ctx = EncodeContext(
            input_path=str(source), seek=start, until=end, segment_start_number=int(start // hls.segment_duration),
            output_ts_offset=start, timeline=info.duration,
        )  # fmt: skip
        run(plan_process([(0, hls)], info, ctx), folder)
        playlists.append((folder / "180p" / "video.m3u8").read_text())
        for segment in (folder / "180p").glob("*.ts"):
            segment.rename(pieces / segment.name)
    (pieces / "video.m3u8").write_text(joined_playlist(playlists))
    audio = AudioJob(audio=AudioSettings(bitrate_kbps=64))
    run(plan_process([(0, audio)], info, EncodeContext(input_path=str(source))), pieces)

    whole_frames, whole_times = frames_and_times(whole / "180p" / "video.m3u8")
    joined_frames, joined_times = frames_and_times(pieces / "video.m3u8")
    assert joined_frames == whole_frames == 300
    assert joined_times == pytest.approx(whole_times, abs=0.002)  # no gap, no overlap at the joins
    gaps = [b - a for a, b in zip(joined_times, joined_times[1:], strict=False)]
    assert max(gaps) == pytest.approx(0.04, abs=0.002)
    audio_duration = float(json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(pieces / "audio.m4a")],
        capture_output=True, text=True, check=True,
    ).stdout)["format"]["duration"])  # fmt: skip
    assert audio_duration == pytest.approx(12.0, abs=0.05)
    assert (pieces / "audio" / "audio.m3u8").exists()

"""The rules real-world files showed (issue 13), each on a generated file that reproduced its
problem: plan_process → run_ffmpeg → apply_finishers, checked in the files ffmpeg wrote."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from media_platform.engine.chunking import piece_jobs, sound_jobs
from media_platform.engine.diagnostics import check_encode, undecodable_sound
from media_platform.engine.finish import apply_finishers
from media_platform.engine.hls import parse_segments
from media_platform.engine.ladder import DEFAULT_ENABLED, build_ladder, mp4_fallback_names, with_preset
from media_platform.engine.plan import plan_process
from media_platform.engine.plan.graph import EncodeContext
from media_platform.engine.probe import SourceInfo, probe_file
from media_platform.engine.runner import RunResult, run_ffmpeg
from media_platform.engine.spec import DashJob, HlsJob
from tests.support.realworld import build

pytestmark = pytest.mark.ffmpeg


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("real-world")


def ladder_job(info: SourceInfo, segment: float = 2.0) -> HlsJob:
    """bunny's ladder, as the recipe makes it: the rung presets (B-frames and all), MP4 fallbacks."""
    assert info.video is not None
    renditions = tuple(build_ladder(info.video, DEFAULT_ENABLED))
    return HlsJob(renditions=renditions, mp4_fallback=tuple(mp4_fallback_names(renditions)), segment_duration=segment)


def encode(source: Path, out: Path, jobs=None, info: SourceInfo | None = None, ctx: EncodeContext | None = None):
    """Every invocation of the plan, run; returns the results (stops at the first failure)."""
    info = info or probe_file(str(source))
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for invocation in plan_process(jobs or [(0, ladder_job(info))], info, ctx or EncodeContext(str(source))):
        for directory in invocation.directories:
            (out / directory).mkdir(parents=True, exist_ok=True)
        result = run_ffmpeg(invocation.argv, cwd=out, duration=invocation.duration, timeout=120)
        results.append(result)
        if not result.ok:
            break
        apply_finishers(out, invocation.finishers, invocation.scratch)
    return results


def master_variants(out: Path) -> list[dict[str, str]]:
    text = (out / "playlist.m3u8").read_text()
    return [
        dict(re.findall(r'([A-Z-]+)=("[^"]*"|[^,]*)', attributes)) | {"uri": uri}
        for attributes, uri in re.findall(r"#EXT-X-STREAM-INF:(.*)\n(.*)", text)
    ]


def first_packets(path: Path, stream: str, count: int = 6) -> list[tuple[float, float]]:
    """(pts, dts) of a file's first packets in decode order; dts is pts where the muxer left it out."""
    data = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", stream, "-read_intervals", f"%+#{count}",
         "-show_entries", "packet=pts_time,dts_time", "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    packets = json.loads(data)["packets"]
    return [(float(p["pts_time"]), float(p.get("dts_time", p["pts_time"]))) for p in packets]


def streams_of(path: Path) -> list[dict]:
    data = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(data)["streams"]


# --- display aspect from the unrounded display size -----------------------------------------
@pytest.mark.parametrize(
    ("name", "resolutions"),
    [
        ("odd-16x9-720x405.mp4", {"240p": "426x240", "360p": "640x360"}),
        ("odd-640x465.mp4", {"240p": "330x240", "360p": "496x360"}),
        ("anamorphic-pal.mp4", {"240p": "320x240", "360p": "480x360", "480p": "640x480"}),
    ],
)
def test_renditions_keep_the_aspect_of_the_unrounded_display_size(folder, tmp_path, name, resolutions):
    encode(build(name, folder), tmp_path)

    listed = {v["uri"].split("/")[0]: v["RESOLUTION"] for v in master_variants(tmp_path)}
    assert listed == resolutions
    for rendition, size in resolutions.items():
        stream = next(s for s in streams_of(tmp_path / rendition / "video0.ts") if s["codec_type"] == "video")
        assert f"{stream['width']}x{stream['height']}" == size


# --- frame rate from the stream's real rate --------------------------------------------------
def test_a_short_container_does_not_bend_the_frame_rate(folder, tmp_path):
    source = build("short-container-24fps.mp4", folder)
    info = probe_file(str(source))
    assert info.video.avg_fps == pytest.approx(24.34, abs=0.01)  # what ffprobe's average claims

    encode(source, tmp_path)

    assert {v["FRAME-RATE"] for v in master_variants(tmp_path)} == {"24.000"}
    stream = next(s for s in streams_of(tmp_path / "play_180p.mp4") if s["codec_type"] == "video")
    assert stream["r_frame_rate"] == "24/1"


# --- target duration of at least one second; demuxer notices are not decoding errors ----------
def test_a_one_frame_dv_source_gets_a_target_duration_and_no_glitch_warning(folder, tmp_path):
    source = build("one-frame.dv", folder)
    info = probe_file(str(source))

    results = encode(source, tmp_path)

    for variant in master_variants(tmp_path):
        text = (tmp_path / variant["uri"]).read_text()
        assert "#EXT-X-TARGETDURATION:1\n" in text
        assert [s.duration for s in parse_segments(text)] == [pytest.approx(0.04, abs=0.001)]
    main = results[0]
    assert any("Detected timecode is invalid" in line for line in main.error_lines)  # the demuxer said it
    assert check_encode(info, main, decoded_seconds=0.04, expected_seconds=info.duration) == []


def test_the_hls_playlists_of_a_dash_packaging_get_a_target_duration_too(folder, tmp_path):
    source = build("one-frame.dv", folder)
    info = probe_file(str(source))
    job = DashJob(renditions=tuple(build_ladder(info.video, ("240p",))), segment_duration=2.0, hls_playlist=True)

    assert all(result.ok for result in encode(source, tmp_path, [(0, job)], info))

    media = sorted(tmp_path.glob("media_*.m3u8"))
    assert len(media) == 2  # picture and sound
    assert all("#EXT-X-TARGETDURATION:1\n" in playlist.read_text() for playlist in media)


# --- the first segment starts at 0 with no hole, at any frame rate ----------------------------
@pytest.mark.parametrize("name", ["one-fps.mp4", "short-container-24fps.mp4", "late-sound.mkv"])
def test_picture_and_sound_start_together_at_zero(folder, tmp_path, name):
    """The planner's timestamps: the first frame decodes and shows at 0 (no reordering delay
    before it), and the sound starts at 0 too (no priming frame before it, no late start).
    The MP4 fallbacks of the same encode keep their encoder's decode times and their length."""
    source = build(name, folder)
    length = probe_file(str(source)).duration

    encode(source, tmp_path)

    for variant in master_variants(tmp_path):
        segment = tmp_path / Path(variant["uri"]).parent / "video0.ts"
        video, audio = first_packets(segment, "v:0"), first_packets(segment, "a:0")
        assert video[0] == (0.0, 0.0), (variant["uri"], video)
        assert min(pts for pts, _ in video) == 0.0
        assert audio[0][0] == pytest.approx(0.0, abs=1e-4), (variant["uri"], audio)
        assert all(dts <= pts for pts, dts in video)
    for mp4 in tmp_path.glob("play_*.mp4"):
        video = first_packets(mp4, "v:0")
        assert min(pts for pts, _ in video) == 0.0 and video[0][1] <= 0.0, (mp4.name, video)
        stream = next(s for s in streams_of(mp4) if s["codec_type"] == "video")
        assert float(stream["duration"]) == pytest.approx(length, abs=0.05), mp4.name  # no frame lost


@pytest.mark.parametrize("rate", ["1", "24", "30000/1001"])
@pytest.mark.parametrize("preset", ["veryfast", "ultrafast"])
def test_a_whole_encode_starts_at_zero_with_and_without_b_frames(tmp_path, rate, preset):
    """Whatever the rate, and whether the encoder reorders frames (veryfast) or not (ultrafast):
    the whole encode's first packet at PTS = DTS = 0, its sound at 0."""
    source = tmp_path / "source.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate={rate}:duration=3",
         "-f", "lavfi", "-i", "sine=duration=3", "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", str(source)],
        check=True,
    )  # fmt: skip
    info = probe_file(str(source))
    job = ladder_job(info)
    job = replace(job, renditions=tuple(with_preset(job.renditions, preset)), mp4_fallback=())

    assert all(result.ok for result in encode(source, tmp_path / "out", [(0, job)], info))

    for rendition in job.renditions:
        segment = tmp_path / "out" / rendition.name / "video0.ts"
        video, audio = first_packets(segment, "v:0"), first_packets(segment, "a:0")
        assert video[0] == (0.0, 0.0), (rendition.name, video)
        assert min(pts for pts, _ in video) == 0.0
        assert audio[0][0] == pytest.approx(0.0, abs=1e-4), (rendition.name, audio)


@pytest.mark.parametrize(("rate", "start"), [(2, 4.0), (25, 2.0)])
def test_a_chunked_piece_starts_at_its_place_with_no_hole(folder, tmp_path, rate, start):
    """The same rule holds for a piece encoded on its own (seek, until, output_ts_offset): its
    first frame shows exactly where the piece begins in the whole timeline, and its packets
    decode when the whole encode's do there (only the whole timeline's first frame is packed),
    so the pieces' decode times run on across the join as one encode's."""
    source = tmp_path / f"long-{rate}.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate={rate}:duration=8",
         "-f", "lavfi", "-i", "sine=duration=8", "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", str(source)],
        check=True,
    )  # fmt: skip
    info = probe_file(str(source))
    jobs = [(0, ladder_job(info))]
    piece = EncodeContext(
        str(source), seek=start, until=start + 2, output_ts_offset=start, segment_start_number=round(start / 2)
    )

    assert all(result.ok for result in encode(source, tmp_path / "piece", piece_jobs(jobs), info, piece))
    assert all(result.ok for result in encode(source, tmp_path / "sound", sound_jobs(jobs), info))

    assert all(result.ok for result in encode(source, tmp_path / "whole", piece_jobs(jobs), info))

    name = f"180p/video{round(start / 2)}.ts"
    video = first_packets(tmp_path / "piece" / name, "v:0")
    assert video[0][0] == start, video
    assert min(pts for pts, _ in video) == start
    assert video == first_packets(tmp_path / "whole" / name, "v:0")  # presentation and decode times
    before = first_packets(tmp_path / "whole" / f"180p/video{round(start / 2) - 1}.ts", "v:0", count=1000)
    assert video[0][1] > max(dts for _, dts in before)
    assert first_packets(tmp_path / "sound/audio/audio0.ts", "a:0")[0][0] == pytest.approx(0.0, abs=1e-4)


# --- a sound that cannot be decoded ------------------------------------------------------------
def test_an_undecodable_sound_fails_the_run_on_the_sound_alone_and_the_silent_plan_plays(folder, tmp_path):
    source = build("broken-sound.ogv", folder)
    info = probe_file(str(source))

    failed = encode(source, tmp_path / "first")[-1]

    assert not failed.ok
    issue = undecodable_sound(failed, info)
    assert (issue.level, issue.code) == (2, 7)
    assert "Error while decoding stream #0:1" in issue.value
    silent = replace(info, audio=())
    assert all(result.ok for result in encode(source, tmp_path / "silent", info=silent))
    assert [v["CODECS"] for v in master_variants(tmp_path / "silent")] == ['"avc1.64000d"']
    assert [s["codec_type"] for s in streams_of(tmp_path / "silent/play_240p.mp4")] == ["video"]


def test_an_undecodable_picture_is_not_taken_for_a_sound_problem(folder, tmp_path):
    source = build("broken-picture.ogv", folder)
    info = probe_file(str(source))

    result = encode(source, tmp_path)[0]

    errors = " ".join(result.error_lines)
    assert "Error while decoding stream #0:0" in errors and "#0:1" not in errors
    as_failed = RunResult(returncode=69, elapsed=result.elapsed, error_lines=result.error_lines)
    assert undecodable_sound(as_failed, info) is None  # had ffmpeg given up, it would still fail
    decoded = parse_segments((tmp_path / "240p/video.m3u8").read_text())
    issues = check_encode(info, result, sum(s.duration for s in decoded), info.duration)
    assert [(i.level, i.code) for i in issues if i.is_fatal] == [(3, 7)]

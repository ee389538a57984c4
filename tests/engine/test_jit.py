"""JIT segments against the ladder they stand in for: the same frames at the same timestamps in
segment k, the same boundaries in every rendition, and joined they are the whole source."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from media_platform.engine.jit import (
    h264_level,
    incompatibility,
    media_playlist,
    run_boundaries,
    run_span,
    segment_grid,
    segment_invocation,
)
from media_platform.engine.keyframes import KeyframeIndex, parse_index, read_index
from media_platform.engine.ladder import build_ladder, with_preset
from media_platform.engine.plan import EncodeContext, plan_process
from media_platform.engine.probe import probe_file
from media_platform.engine.runner import run_ffmpeg
from media_platform.engine.spec import Encryption, HlsJob
from media_platform.engine.tscut import TsCutter, split_stream

from .conftest import source_info

SEGMENT = 4.0


def make_source(path: Path, *, encoder: list[str], rate: str, seconds: float = 13, audio: bool = True) -> Path:
    inputs = ["-f", "lavfi", "-i", f"testsrc2=size=640x360:rate={rate}:duration={seconds}"]
    if audio:
        inputs += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    sound = (["-c:a", "mp2"] if path.suffix == ".mpg" else ["-c:a", "aac"]) if audio else []
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *inputs, *encoder, *sound, str(path)]
    subprocess.run(command, check=True, timeout=120)
    return path


X264_BFRAMES = ["-c:v", "libx264", "-preset", "veryfast", "-g", "45", "-pix_fmt", "yuv420p"]
MPEG2 = ["-c:v", "mpeg2video", "-q:v", "5", "-g", "12", "-bf", "2"]
SOURCES = {
    # B-frames, keyframes off the grid, a frame rate whose frames miss whole seconds
    "h264_2997.mp4": dict(encoder=X264_BFRAMES, rate="30000/1001"),
    # no index to seek with: the decode starts a margin early
    "h264_25.ts": dict(encoder=X264_BFRAMES, rate="25"),
    "mpeg2_25.mpg": dict(encoder=MPEG2, rate="25"),
    "silent_24.mp4": dict(encoder=X264_BFRAMES, rate="24", audio=False),
    # a ladder without B-frames: its muxer shifts by the sound's priming, not a whole frame
    "ultrafast_ladder_25.mp4": dict(encoder=X264_BFRAMES, rate="25", preset="ultrafast"),
}


def packets(path: Path) -> list[tuple[int, int]]:
    """(pts, keyframe) of every video packet, in presentation order, in 90 kHz ticks."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,flags", "-of", "json",
         str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return sorted((int(p["pts"]), "K" in p["flags"]) for p in json.loads(out)["packets"])


def decode_times(path: Path) -> list[int]:
    """DTS of every video packet, in decode order, in 90 kHz ticks."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=dts", "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [int(p["dts"]) for p in json.loads(out)["packets"]]


def run(invocation, workdir: Path):
    workdir.mkdir(parents=True, exist_ok=True)
    for folder in invocation.directories:
        (workdir / folder).mkdir(parents=True, exist_ok=True)
    return run_ffmpeg(invocation.argv, cwd=workdir, duration=invocation.duration)


@pytest.fixture(scope="module", params=sorted(SOURCES))
def encoded(request, tmp_path_factory):
    """A source, its ladder (two renditions, B-frames) encoded whole, and its JIT segments encoded
    in runs of different lengths — each run from its own keyframe, as requests would."""
    folder = tmp_path_factory.mktemp("jit")
    options = dict(SOURCES[request.param])
    preset = options.pop("preset", "veryfast")
    source = make_source(folder / request.param, **options)
    info = probe_file(str(source))
    job = HlsJob(renditions=tuple(with_preset(build_ladder(info.video, ["240p", "360p"]), preset)))
    base = EncodeContext(input_path=str(source))
    ladder = folder / "ladder"
    assert run(plan_process([(0, job)], info, base)[0], ladder).ok
    index = read_index(str(source))
    spans = segment_grid(index, SEGMENT, format_name=info.format_name)
    jit = folder / "jit"
    for rendition in job.renditions:
        (jit / rendition.name).mkdir(parents=True)
        for first, count in [(0, 2), (2, 1), (3, 3)]:  # the last run asks for more than there is
            work = folder / f"run-{rendition.name}-{first}"

            def plan(earlier, name=rendition.name, first=first, count=count):
                return segment_invocation(job, name, info, base, spans, first, count, earlier=earlier)

            result = run_span(plan, lambda invocation, work=work: run(invocation, work))
            assert result.ok, result.stderr_tail
            stream = (work / "stream.ts").read_bytes()
            pieces = split_stream(stream, run_boundaries(spans, first, count))[:count]
            assert len(pieces) == min(count, len(spans) - first)
            for number, data in enumerate(pieces, start=first):
                (jit / rendition.name / f"video{number}.ts").write_bytes(data)
    return info, job, spans, index, ladder, jit


@pytest.mark.ffmpeg
def test_each_jit_segment_holds_the_ladders_frames_at_the_same_timestamps(encoded):
    info, job, spans, _, ladder, jit = encoded
    assert len(spans) == 4
    for rendition in job.renditions:
        for span in spans:
            name = f"{rendition.name}/video{span.index}.ts"
            theirs, ours = packets(ladder / name), packets(jit / name)
            if span.index == len(spans) - 1 and info.format_name == "mpeg":
                # MPEG-PS: at the very end ffmpeg may repeat the last frame once, in one and not the other
                assert abs(len(ours) - len(theirs)) <= 1 and ours[0] == theirs[0]
                continue
            assert [pts for pts, _ in ours] == [pts for pts, _ in theirs], name
            # decode times too: the first segment's first frame decodes at 0, later ones as the
            # ladder decodes them there, so a player's decode timeline runs on across runs
            assert decode_times(jit / name) == decode_times(ladder / name), name
            assert ours[0][1] and theirs[0][1]  # each starts on a keyframe


@pytest.mark.ffmpeg
def test_boundaries_are_the_same_instants_in_every_rendition(encoded):
    _, job, spans, _, _, jit = encoded
    for span in spans[:-1]:
        firsts = {packets(jit / f"{r.name}/video{span.index}.ts")[0][0] for r in job.renditions}
        counts = {len(packets(jit / f"{r.name}/video{span.index}.ts")) for r in job.renditions}
        assert len(firsts) == 1 and counts == {span.frames}


@pytest.mark.ffmpeg
def test_joined_jit_segments_are_the_whole_source(encoded):
    """Segments carry their timestamps on the whole timeline: joined, they are every frame of
    the source once, with no hole and no frame twice at any join."""
    _, job, spans, index, _, jit = encoded
    for rendition in job.renditions:
        frames = sorted(pts for s in spans for pts, _ in packets(jit / rendition.name / f"video{s.index}.ts"))
        assert abs(len(frames) - len(index.frames)) <= 1
        frame = index.frame_duration
        duration = (frames[-1] - frames[0]) / 90000 + frame
        assert abs(duration - (index.frames[-1] - index.frames[0] + frame)) <= frame + 1e-3
        steps = {b - a for a, b in zip(frames, frames[1:], strict=False)}
        assert max(steps) <= round(frame * 90000) + 1  # no hole at any join
        assert min(steps) > 0  # and no frame twice


# --- the grid and the index, on made-up numbers ------------------------------------------------
def index_of(frames, keyframes, step=0.04):
    return KeyframeIndex(tuple(frames), tuple(keyframes), step)


def test_grid_starts_each_segment_on_its_first_frame_and_decodes_from_the_keyframe_before():
    frames = [n / 25 for n in range(25 * 10)]  # 10 s at 25 fps
    grid = segment_grid(index_of(frames, [0.0, 3.0, 6.0, 9.0]), 4.0, format_name="mov")

    assert [(s.start, s.first_frame, s.decode_from, s.frames) for s in grid] == [
        (0.0, 0.0, 0.0, 100),
        (4.0, 4.0, 3.0, 100),
        (8.0, 8.0, 6.0, 50),
    ]
    assert [s.duration for s in grid] == [4.0, 4.0, 2.0]


def test_unindexed_containers_decode_a_margin_earlier():
    frames = [n / 25 for n in range(250)]
    (_, second, _) = segment_grid(index_of(frames, [0.0, 3.0, 6.0, 9.0]), 4.0, format_name="mpegts")
    assert second.decode_from == 2.0


def test_a_last_frame_on_a_grid_line_is_a_segment_of_its_own():
    grid = segment_grid(index_of([0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 2.0, 4.0], step=1.0), 4.0, format_name="mov")
    assert [(s.index, s.frames, s.duration) for s in grid] == [(0, 4, 4.0), (1, 1, 1.0)]


def test_index_is_read_from_ffprobes_packets():
    text = "packet,3003,K_\npacket,9009,__\npacket,6006,__\npacket,N/A,__\nstream,1/30000\nformat,0.100000\n"
    index = parse_index(text)
    assert index.frames == pytest.approx((0.0001, 0.1002, 0.2003))
    assert index.keyframes == pytest.approx((0.0001,))
    assert index.missing_times == 1


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (dict(keyframes=[0.0, 11.0]), "Keyframes are up to 11.0 s apart"),
        (dict(keyframes=[]), "no keyframes"),
    ],
)
def test_sources_that_cannot_be_cut(change, reason):
    info = source_info("h264_aac")
    job = HlsJob(renditions=tuple(build_ladder(info.video)))
    frames = [n / 25 for n in range(25 * 12)]
    index = index_of(frames, change["keyframes"])
    assert reason in incompatibility(info, job, index, max_keyframe_gap=10)


def test_encrypted_ladders_and_sources_without_video_cannot_be_cut():
    info = source_info("h264_aac")
    job = HlsJob(renditions=tuple(build_ladder(info.video)))
    index = index_of([0.0, 0.04], [0.0])
    assert incompatibility(info, job, index, max_keyframe_gap=10) is None
    assert "key" in incompatibility(info, replace(job, encryption=Encryption(key="0" * 32)), index, max_keyframe_gap=10)
    assert "no video" in incompatibility(source_info("audio_only"), job, None, max_keyframe_gap=10)


def test_media_playlist_lists_every_segment_before_it_exists():
    text = media_playlist([4.004, 4.004, 1.5], "video%d.ts")
    assert "#EXT-X-TARGETDURATION:5" in text and text.endswith("#EXT-X-ENDLIST\n")
    assert [line for line in text.splitlines() if line.endswith(".ts")] == ["video0.ts", "video1.ts", "video2.ts"]


def test_levels_follow_the_picture_rate():
    assert h264_level(1920, 1080, 30) == 40
    assert h264_level(1280, 720, 30) == 31
    assert h264_level(426, 240, 30) == 30


@pytest.mark.ffmpeg
def test_a_stream_cut_as_it_grows_is_cut_as_it_is_whole(encoded):
    _, job, spans, _, _, jit = encoded
    stream = (jit.parent / f"run-{job.renditions[0].name}-0" / "stream.ts").read_bytes()
    boundaries = run_boundaries(spans, 0, 2)
    cutter = TsCutter(boundaries)
    grown: dict[int, bytes] = {}
    for offset in range(0, len(stream), 1000):  # pieces that split TS packets
        for piece in cutter.feed(stream[offset : offset + 1000]):
            grown[piece.segment] = grown.get(piece.segment, b"") + piece.data
    assert [grown[i] for i in sorted(grown)] == split_stream(stream, boundaries)
    assert sum(cutter.frames) == len(packets(jit.parent / f"run-{job.renditions[0].name}-0" / "stream.ts"))


def test_a_span_a_microsecond_long_is_written_as_ffmpeg_reads_durations():
    info = source_info("h264_aac")
    spans = segment_grid(index_of([n / 25 for n in range(75)], [0.0, 0.999999, 2.0]), 1.0, format_name="mov")
    job = HlsJob(renditions=tuple(build_ladder(info.video))[:1], segment_duration=1.0)
    argv = " ".join(segment_invocation(job, job.renditions[0].name, info, EncodeContext("in.mp4"), spans, 1, 1).argv)
    assert "-ss 0.999999" in argv and "trim=end=1.000001:start=0.000001" in argv
    assert "PTS-round(0.000001/TB)" in argv and "e-0" not in argv

"""Real ffmpeg on small lavfi clips: plan_process → run_ffmpeg → apply_finishers, checked as a player would."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from media_platform.engine.diagnostics import classify_failure
from media_platform.engine.finish import apply_finishers
from media_platform.engine.hls import parse_segments
from media_platform.engine.ladder import build_ladder
from media_platform.engine.plan import GLOBAL_ARGS, Invocation, PlannedFile, plan_process
from media_platform.engine.plan.graph import EncodeContext
from media_platform.engine.probe import probe_file
from media_platform.engine.runner import RunResult, run_ffmpeg
from media_platform.engine.spec import (
    AnimationJob,
    HlsJob,
    Mp4Job,
    PreviewClipJob,
    Rendition,
    ScreenshotsJob,
    StoryboardJob,
    ThumbnailJob,
    VideoSettings,
    Watermark,
)

FAST = VideoSettings(preset="ultrafast")


def fast(renditions, gop=1.0):
    return tuple(replace(r, video=replace(r.video, preset="ultrafast", gop_seconds=gop)) for r in renditions)


def ffprobe(*args: str) -> dict:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", *args], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stderr == "", result.stderr
    return json.loads(result.stdout)


def video_stream(path: Path) -> dict:
    return ffprobe("-select_streams", "v:0", "-show_streams", str(path))["streams"][0]


def count_frames(path: Path, selector: str = "v:0") -> int:
    data = ffprobe("-count_frames", "-select_streams", selector, "-show_entries", "stream=nb_read_frames", str(path))
    return int(data["streams"][0]["nb_read_frames"])


def top_level_boxes(path: Path) -> list[str]:
    boxes, data, offset = [], path.read_bytes(), 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
        boxes.append(kind.decode("latin-1"))
        if size < 8:
            break
        offset += size
    return boxes


def riff_chunks(data: bytes) -> list[str]:
    """Chunk ids of a WebP file, descending into ANMF frames' first level only by counting them."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    chunks, offset = [], 12
    while offset + 8 <= len(data):
        kind, size = data[offset : offset + 4].decode("latin-1"), struct.unpack("<I", data[offset + 4 : offset + 8])[0]
        chunks.append(kind)
        offset += 8 + size + (size & 1)
    return chunks


@dataclass
class Run:
    out: Path
    invocations: list[Invocation]
    results: list[RunResult]
    progress: list[list[float]]

    def files(self, role: str) -> list[PlannedFile]:
        return [f for inv in self.invocations for f in inv.files if f.role == role]


def execute(jobs, source: Path, out: Path) -> Run:
    out.mkdir(parents=True, exist_ok=True)
    info = probe_file(str(source))
    invocations = plan_process(jobs, info, EncodeContext(input_path=str(source)))
    results, progress = [], []
    for invocation in invocations:
        for folder in invocation.directories:
            (out / folder).mkdir(parents=True, exist_ok=True)
        seen: list[float] = []
        result = run_ffmpeg(
            invocation.argv,
            cwd=out,
            duration=invocation.duration,
            frames=invocation.frames,
            on_progress=seen.append,
            timeout=60,
        )
        assert result.ok, result.stderr_tail
        apply_finishers(out, invocation.finishers, invocation.scratch)
        results.append(result)
        progress.append(seen)
    return Run(out, invocations, results, progress)


# --- one process with every kind of job ---------------------------------------------------
@pytest.fixture(scope="module")
def full(clips, tmp_path_factory) -> Run:
    info = probe_file(str(clips.main))
    renditions = fast(build_ladder(info.video))
    jobs = [
        (0, HlsJob(renditions=renditions, mp4_fallback=("240p", "360p"), segment_duration=1.0)),
        (1, HlsJob(prefix="sep", renditions=renditions[:1], separate_audio=True, segment_duration=1.0)),
        (2, StoryboardJob(interval=1.0, columns=2, tile_width=160)),
        (3, AnimationJob(filename="preview.webp", frame_count=6, width=160)),
        (4, AnimationJob(filename="preview.gif", frame_count=None, fps=5.0, width=160)),
        (5, ThumbnailJob(width=320)),
        (6, ScreenshotsJob(quantity=3, filename="shots/s%d.jpg")),
        (7, PreviewClipJob(prefix="clip", num_snippets=2, snippet_duration=0.5)),
    ]
    return execute(jobs, clips.main, tmp_path_factory.mktemp("full"))


def test_every_planned_file_exists_and_scratch_is_gone(full):
    for invocation in full.invocations:
        for planned in invocation.files:
            assert (full.out / planned.path).is_file(), planned.path
    assert not (full.out / ".work").exists()


@pytest.mark.ffmpeg
def test_every_hls_variant_decodes_whole(full):
    variants = full.files("variant")

    assert [v.path for v in variants] == ["240p/video.m3u8", "360p/video.m3u8", "sep/240p/video.m3u8"]
    for variant in variants:
        assert count_frames(full.out / variant.path) == 75  # 3 s at 25 fps
        stream = video_stream(full.out / variant.path)
        assert (stream["width"], stream["height"]) == (variant.width, variant.height)


@pytest.mark.ffmpeg
def test_each_segment_alone_starts_with_a_keyframe_at_the_same_times(full):
    timelines = []
    for variant in full.files("variant"):
        playlist = full.out / variant.path
        segments = parse_segments(playlist.read_text())
        assert len(segments) == 3
        for segment in segments:
            first = ffprobe(
                "-select_streams", "v:0", "-show_frames", "-read_intervals", "%+#1",
                "-show_entries", "frame=key_frame,pict_type", str(playlist.parent / segment.uri),
            )["frames"][0]  # fmt: skip
            assert (first["key_frame"], first["pict_type"]) == (1, "I"), segment.uri
        timelines.append([s.duration for s in segments])
    assert all(t == timelines[0] for t in timelines), "renditions switch cleanly only on aligned segments"


@pytest.mark.ffmpeg
def test_master_playlist_lists_every_variant(full):
    text = (full.out / "playlist.m3u8").read_text()

    infos = re.findall(r"#EXT-X-STREAM-INF:(.*)\n(.*)", text)
    assert sorted(uri for _, uri in infos) == ["240p/video.m3u8", "360p/video.m3u8"]
    sizes = {f.path: f"{f.width}x{f.height}" for f in full.files("variant")}
    for attributes, uri in infos:
        assert f"RESOLUTION={sizes[uri]}" in attributes
        codecs = re.search(r'CODECS="([^"]+)"', attributes).group(1)
        assert re.fullmatch(r"avc1\.[0-9a-f]{6},mp4a\.40\.2", codecs)
        assert int(re.search(r"BANDWIDTH=(\d+)", attributes).group(1)) > 0
        assert "FRAME-RATE=25.000" in attributes
    assert count_frames(full.out / "playlist.m3u8") == 75


@pytest.mark.ffmpeg
def test_separate_audio_master_points_at_the_audio_group(full):
    text = (full.out / "sep/playlist.m3u8").read_text()

    assert 'URI="audio/audio.m3u8"' in text and 'AUDIO="audio"' in text
    assert re.search(r'CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"', text)
    video = ffprobe("-show_streams", str(full.out / "sep/240p/video.m3u8"))["streams"]
    assert [s["codec_type"] for s in video] == ["video"]
    audio = ffprobe("-show_streams", str(full.out / "sep/audio/audio.m3u8"))["streams"]
    assert [s["codec_type"] for s in audio] == ["audio"]


@pytest.mark.ffmpeg
def test_mp4_fallbacks_start_fast_and_match_their_variant(full):
    mp4s = full.files("mp4")

    assert [f.path for f in mp4s] == ["play_240p.mp4", "play_360p.mp4", "clip/preview.mp4"]
    for planned in mp4s:
        boxes = top_level_boxes(full.out / planned.path)
        assert boxes.index("moov") < boxes.index("mdat"), boxes
        stream = video_stream(full.out / planned.path)
        assert (stream["width"], stream["height"]) == (planned.width, planned.height)
    assert count_frames(full.out / "play_360p.mp4") == 75


@pytest.mark.ffmpeg
def test_storyboard_sprite_matches_its_vtt(full):
    vtt = (full.out / "storyboard.vtt").read_text()

    cues = re.findall(r"(\S+) --> (\S+)\nstoryboard\.jpg#xywh=(\d+),(\d+),(\d+),(\d+)", vtt)
    assert [(start, end) for start, end, *_ in cues] == [
        ("00:00:00.000", "00:00:01.000"),
        ("00:00:01.000", "00:00:02.000"),
        ("00:00:02.000", "00:00:03.000"),
    ]
    boxes = [tuple(int(n) for n in cue[2:]) for cue in cues]
    assert boxes == [(0, 0, 160, 90), (160, 0, 160, 90), (0, 90, 160, 90)]
    sprite = video_stream(full.out / "storyboard.jpg")
    assert (sprite["width"], sprite["height"]) == (320, 180)  # 2 columns x 2 rows of 160x90


def test_webp_preview_is_animated(full):
    data = (full.out / "preview.webp").read_bytes()

    chunks = riff_chunks(data)
    assert chunks[0] == "VP8X" and "ANIM" in chunks
    assert chunks.count("ANMF") == 6
    assert data[20] & 0x02, "the VP8X animation flag"


@pytest.mark.ffmpeg
def test_gif_has_real_time_frames(full):
    assert count_frames(full.out / "preview.gif") == 15  # 3 s at 5 fps
    stream = video_stream(full.out / "preview.gif")
    assert (stream["width"], stream["height"]) == (160, 90)


@pytest.mark.ffmpeg
def test_thumbnail_and_screenshots(full):
    thumbnail = video_stream(full.out / "thumbnail.jpg")

    assert (thumbnail["codec_name"], thumbnail["width"], thumbnail["height"]) == ("mjpeg", 320, 180)
    shots = sorted(p.name for p in (full.out / "shots").iterdir())
    assert shots == ["s1.jpg", "s2.jpg", "s3.jpg"]
    assert {(video_stream(full.out / "shots" / s)["width"]) for s in shots} == {640}


def _pixels(path: Path) -> bytes:
    return subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
    ).stdout


@pytest.mark.ffmpeg
def test_thumbnail_from_the_shared_decode_is_the_frame_a_seek_finds(clips, tmp_path):
    shared = execute([(0, Mp4Job(rendition=Rendition(name="source", video=FAST))), (1, ThumbnailJob(time=1.3))],
                     clips.main, tmp_path / "shared")  # fmt: skip
    alone = execute([(0, ThumbnailJob(time=1.3))], clips.main, tmp_path / "alone")
    first = execute([(0, ThumbnailJob(time=0.0))], clips.main, tmp_path / "first")

    assert len(shared.invocations) == 1 and "-ss" not in shared.invocations[0].argv
    assert "-ss" in alone.invocations[0].argv
    picture = _pixels(shared.out / "thumbnail.jpg")
    assert len(picture) == 640 * 360 * 3  # one frame: the chosen one overwrote the first
    assert picture == _pixels(alone.out / "thumbnail.jpg")
    assert picture != _pixels(first.out / "thumbnail.jpg")


@pytest.mark.ffmpeg
def test_preview_clip_is_its_snippets_long(full):
    data = ffprobe("-show_entries", "format=duration:stream=codec_type", str(full.out / "clip/preview.mp4"))

    assert float(data["format"]["duration"]) == pytest.approx(2 * 0.5, abs=0.15)
    assert sorted(s["codec_type"] for s in data["streams"]) == ["audio", "video"]


def test_progress_rises_and_ends_at_one(full):
    for seen in full.progress:
        assert seen, "every invocation reports progress"
        assert seen == sorted(seen)
        assert all(0.0 <= value <= 1.0 for value in seen)
        assert seen[-1] == 1.0
    assert len(full.progress[0]) >= 2


# --- sources whose shape needs care -------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("odd", (426, 238)),  # 427x239: trimmed to even, never stretched
        ("anamorphic", (512, 288)),  # 352x288 at SAR 16:11: square pixels, shown as wide as meant
        ("portrait", (180, 320)),  # 320x180 with a display matrix: portrait renditions
    ],
)
@pytest.mark.ffmpeg
def test_awkward_sources_encode_at_their_display_size(clips, tmp_path, name, size):
    source = getattr(clips, name)
    jobs = [
        (0, Mp4Job(rendition=Rendition(name="source", video=FAST))),
        (1, HlsJob(renditions=(Rendition(name="source", video=FAST),))),
        (2, ThumbnailJob()),
    ]

    run = execute(jobs, source, tmp_path)

    for planned in run.files("mp4") + run.files("variant") + run.files("image"):
        stream = video_stream(tmp_path / planned.path)
        assert (planned.width, planned.height) == size
        assert (stream["width"], stream["height"]) == size, planned.path
        assert stream.get("sample_aspect_ratio", "1:1") in ("1:1", "0:1")


def _rgb_frame(path: Path, width: int, height: int) -> bytes:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
    ).stdout
    assert len(raw) == width * height * 3
    return raw


def _is_red(raw: bytes, width: int, x: int, y: int) -> bool:
    r, g, b = raw[(y * width + x) * 3 : (y * width + x) * 3 + 3]
    return r > 200 and g < 60 and b < 60


@pytest.mark.parametrize(
    ("watermark", "inside", "outside"),
    [
        # 40x20 mark given only its width: its height comes from the image, and it sits in the corner.
        (Watermark("", width="40", gravity="southeast"), [(315, 175), (285, 165)], [(315, 150), (275, 175)]),
        (Watermark("", height="20", gravity="southwest", xoffset="10"), [(12, 175), (45, 165)], [(5, 175), (55, 175)]),
        (Watermark("", width="40", height="20", gravity="northeast"), [(315, 2), (285, 15)], [(315, 25), (275, 5)]),
    ],
)
@pytest.mark.ffmpeg
def test_watermark_lands_where_its_gravity_says(clips, tmp_path, watermark, inside, outside):
    job = Mp4Job(
        rendition=Rendition(name="source", video=FAST), transformations=(replace(watermark, source=str(clips.mark)),)
    )

    execute([(0, job)], clips.gray, tmp_path)

    raw = _rgb_frame(tmp_path / "video.mp4", 320, 180)
    assert all(_is_red(raw, 320, x, y) for x, y in inside)
    assert not any(_is_red(raw, 320, x, y) for x, y in outside)


# --- the runner: failures, cancel, timeout ------------------------------------------------
ENDLESS = (
    "ffmpeg",
    *GLOBAL_ARGS,
    "-re",
    "-f",
    "lavfi",
    "-i",
    "testsrc2=size=160x90:rate=25:duration=60",
    "-f",
    "null",
    "-",
)


@pytest.mark.ffmpeg
def test_cancel_stops_ffmpeg_quickly(tmp_path):
    asked = []

    def should_cancel() -> bool:
        asked.append(time.monotonic())
        return len(asked) >= 2

    result = run_ffmpeg(ENDLESS, cwd=tmp_path, duration=60, should_cancel=should_cancel)

    assert result.cancelled and not result.ok and not result.timed_out
    assert result.elapsed < 5
    assert len(asked) == 2


@pytest.mark.ffmpeg
def test_timeout_kills_ffmpeg(tmp_path):
    result = run_ffmpeg(ENDLESS, cwd=tmp_path, duration=60, timeout=1.0)

    assert result.timed_out and not result.ok and not result.cancelled
    assert 1.0 <= result.elapsed < 5
    assert classify_failure(result).code.name == "ORIGINAL_CORRUPTED"


@pytest.mark.ffmpeg
def test_failed_run_keeps_the_reason(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00" * 4096)
    argv = ("ffmpeg", *GLOBAL_ARGS, "-i", str(junk), "-f", "null", "-")

    result = run_ffmpeg(argv, cwd=tmp_path, duration=1.0)

    assert result.returncode == 1 and not result.ok
    assert any("Invalid data found" in line for line in result.error_lines)
    assert classify_failure(result).code.name == "ORIGINAL_CORRUPTED"

"""Subtitles: WebVTT text operations, HLS subtitle playlists and master entries, the plan, and real
ffmpeg runs (HLS tracks a player lists, mov_text tracks in MP4s, copies of the source's tracks)."""

from __future__ import annotations

import copy
import json
import re
import subprocess
from pathlib import Path

import pytest

from media_platform.engine.captions import (
    CaptionError,
    cue_count,
    language_name,
    mp4_language,
    to_webvtt,
    window_webvtt,
    with_timestamp_map,
)
from media_platform.engine.finish import apply_finishers, mp4_subtitle_args
from media_platform.engine.hls import SubtitleMedia, VariantStream, master_playlist, subtitle_playlist
from media_platform.engine.issues import Severity
from media_platform.engine.plan import EncodeContext, HlsMaster, Mp4Subtitles, plan_process
from media_platform.engine.probe import (
    SourceInfo,
    copyable_subtitles,
    parse_probe,
    probe_file,
    subtitle_copy_issues,
)
from media_platform.engine.runner import run_ffmpeg
from media_platform.engine.spec import (
    HlsJob,
    Mp4Job,
    Rendition,
    SubtitleTrack,
    Trim,
    VideoSettings,
    job_from_json,
    to_json,
)

from .conftest import ffmpeg, probe_json
from .ffargs import parse

FAST = VideoSettings(preset="ultrafast")
SRT = b"""1
00:00:00,500 --> 00:00:01,500
Hello there

2
00:00:02,000 --> 00:00:02,800
Second cue
"""
VTT = """WEBVTT
X-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000

STYLE
::cue { color: yellow }

NOTE a remark

intro
00:00:00.500 --> 00:00:01.500 align:start
Hello there

00:00:02.000 --> 00:00:04.000
Across the cut

00:01:10.000 --> 00:01:11.000
Much later
"""


def with_subtitles(*streams: dict) -> SourceInfo:
    data = copy.deepcopy(probe_json("h264_aac"))
    data["streams"] += list(streams)
    return parse_probe(data)


def subtitle_stream(index: int, codec: str, language: str | None = None) -> dict:
    stream = {"index": index, "codec_type": "subtitle", "codec_name": codec}
    if language:
        stream["tags"] = {"language": language}
    return stream


# --- WebVTT text --------------------------------------------------------------------------
def test_srt_becomes_webvtt():
    text = to_webvtt(SRT)
    assert text.startswith("WEBVTT\n\n") and "00:00:00.500 --> 00:00:01.500" in text and cue_count(text) == 2


def test_window_shifts_clips_and_drops_cues_outside_it():
    text = window_webvtt(VTT, start=1.0, duration=2.0)

    assert "X-TIMESTAMP-MAP" not in text and "NOTE" not in text and "::cue { color: yellow }" in text
    assert "intro\n00:00:00.000 --> 00:00:00.500 align:start\nHello there" in text
    assert "00:00:01.000 --> 00:00:02.000\nAcross the cut" in text
    assert "Much later" not in text and cue_count(text) == 2


def test_whole_window_keeps_every_cue_and_hours():
    text = window_webvtt(VTT)
    assert cue_count(text) == 3 and "00:01:10.000 --> 00:01:11.000" in text


def test_window_refuses_what_is_not_webvtt():
    with pytest.raises(CaptionError):
        window_webvtt("1\n00:00:01,000 --> 00:00:02,000\nx\n")


def test_timestamp_map_goes_right_after_the_signature():
    text = with_timestamp_map(window_webvtt(VTT), 126000)
    lines = text.split("\n")
    assert lines[:2] == ["WEBVTT", "X-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000"]
    assert text.count("X-TIMESTAMP-MAP") == 1


@pytest.mark.parametrize(
    ("language", "mp4", "name"),
    [("en", "eng", "English"), ("eng", "eng", "English"), ("fre", "fra", "French"), ("pt-BR", "por", "Portuguese"),
     ("xyz", "xyz", "xyz")],
)  # fmt: skip
def test_languages(language, mp4, name):
    assert (mp4_language(language), language_name(language)) == (mp4, name)


# --- HLS text -----------------------------------------------------------------------------
def test_subtitle_playlist_is_one_segment_covering_the_video():
    text = subtitle_playlist("eng.vtt", 12.4)

    assert text.splitlines() == [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        "#EXT-X-TARGETDURATION:13",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXTINF:12.400,",
        "eng.vtt",
        "#EXT-X-ENDLIST",
    ]


def test_subtitle_playlist_target_duration_is_at_least_one():
    assert "#EXT-X-TARGETDURATION:1\n" in subtitle_playlist("x.vtt", 0.2)


def test_master_lists_the_subtitles_group_on_every_variant():
    variants = [
        VariantStream("360p/video.m3u8", 900_000, 800_000, 640, 360, "avc1.64001e,mp4a.40.2"),
        VariantStream("240p/video.m3u8", 500_000, 400_000, 426, 240, "avc1.640015,mp4a.40.2"),
    ]
    media = [
        SubtitleMedia("English", "eng", "subtitles/eng.m3u8"),
        SubtitleMedia("French", "fra", "subtitles/fra.m3u8"),
    ]

    text = master_playlist(variants, subtitles=media)

    assert (
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="eng",AUTOSELECT=YES,DEFAULT=NO,'
        'URI="subtitles/eng.m3u8"'
    ) in text
    assert text.count("TYPE=SUBTITLES") == 2
    infos = re.findall(r"#EXT-X-STREAM-INF:(.*)", text)
    assert len(infos) == 2 and all(info.endswith('SUBTITLES="subs"') for info in infos)
    assert text.index("TYPE=SUBTITLES") < text.index("#EXT-X-STREAM-INF")


def test_master_without_subtitles_names_no_group():
    text = master_playlist([VariantStream("a.m3u8", 1, 1, 2, 2, "avc1.640015")])
    assert "SUBTITLES" not in text


# --- Probe and spec -----------------------------------------------------------------------
def test_probe_records_subtitle_streams():
    info = with_subtitles(subtitle_stream(2, "mov_text", "eng"), subtitle_stream(3, "hdmv_pgs_subtitle"))

    assert [(s.index, s.codec, s.language) for s in info.subtitles] == [
        (2, "mov_text", "eng"),
        (3, "hdmv_pgs_subtitle", None),
    ]
    assert info.subtitle_count == 2
    assert [s.index for s in copyable_subtitles(info)] == [2]
    assert SourceInfo.from_json(json.loads(json.dumps(info.to_json()))) == info


def test_image_subtitles_are_information_notes_not_errors():
    info = with_subtitles(
        subtitle_stream(2, "subrip", "eng"),
        subtitle_stream(3, "dvd_subtitle", "fra"),
        subtitle_stream(4, "hdmv_pgs_subtitle"),
    )

    issues = subtitle_copy_issues(info)

    assert [issue.level for issue in issues] == [Severity.INFORMATION, Severity.INFORMATION]
    assert "#3 (dvd_subtitle, language fra)" in issues[0].message and "#4 (hdmv_pgs_subtitle)" in issues[1].message
    assert subtitle_copy_issues(with_subtitles(subtitle_stream(2, "ass"))) == []
    assert "has none" in subtitle_copy_issues(with_subtitles())[0].message


def test_jobs_with_subtitles_round_trip_through_json():
    tracks = (SubtitleTrack("https://example.com/en.srt", "eng"), SubtitleTrack("subs/fr.vtt", "fra"))
    for job in (HlsJob(subtitles=tracks, copy_subtitles=True), Mp4Job(subtitles=tracks[:1], copy_subtitles=True)):
        assert job_from_json(json.loads(json.dumps(to_json(job)))) == job
    assert job_from_json({"kind": "hls"}).subtitles == ()


# --- Plan ---------------------------------------------------------------------------------
def test_the_shared_decode_extracts_each_copied_stream_once():
    info = with_subtitles(subtitle_stream(2, "mov_text", "eng"), subtitle_stream(3, "dvd_subtitle", "fra"))
    rendition = Rendition("360p", height=360, video=FAST)
    jobs = [
        (0, HlsJob(prefix="h", renditions=(rendition,), copy_subtitles=True)),
        (1, Mp4Job(prefix="m", rendition=rendition, copy_subtitles=True)),
    ]

    (invocation,) = plan_process(jobs, info, EncodeContext(input_path="/in.mp4"))

    command = parse(invocation.argv)
    extracts = [o for o in command.outputs if o.options.get("f") == "webvtt"]
    assert [(o.maps, o.target) for o in extracts] == [(["0:2"], ".work/subtitles/2.vtt")]
    assert command.outputs[0].has_video  # progress still counts video frames
    assert ".work/subtitles" in invocation.scratch and ".work/subtitles" in invocation.directories
    roles = {(f.path, f.role) for f in invocation.files}
    assert {("h/subtitles/eng.vtt", "subtitles"), ("h/subtitles/eng.m3u8", "subtitles_playlist")} <= roles


def test_tracks_are_named_by_language_uniquely_and_keep_the_jobs_window():
    info = with_subtitles(subtitle_stream(2, "subrip", "eng"), subtitle_stream(4, "ass"))
    tracks = (SubtitleTrack("/work/assets/a.vtt", "eng"),)
    trims = (Trim(start_time=0.5, duration=1.0),)
    jobs = [
        (0, HlsJob(renditions=(Rendition("360p", video=FAST),), subtitles=tracks, copy_subtitles=True)),
        (1, Mp4Job(prefix="m", subtitles=tracks, transformations=trims)),
    ]

    (invocation,) = plan_process(jobs, info, EncodeContext(input_path="/in.mp4"))

    master = next(f for f in invocation.finishers if isinstance(f, HlsMaster))
    assert [(s.track.name, s.track.source, s.vtt_path) for s in master.subtitles] == [
        ("eng", "/work/assets/a.vtt", "subtitles/eng.vtt"),
        ("eng-2", ".work/subtitles/2.vtt", "subtitles/eng-2.vtt"),
        ("und", ".work/subtitles/4.vtt", "subtitles/und.vtt"),
    ]
    assert master.subtitles[0].track.duration is None
    muxing = next(f for f in invocation.finishers if isinstance(f, Mp4Subtitles))
    assert muxing.path == "m/video.mp4" and (muxing.tracks[0].start, muxing.tracks[0].duration) == (0.5, 1.0)
    assert muxing.folder in invocation.scratch


def test_no_subtitles_no_extra_work():
    (invocation,) = plan_process([(0, Mp4Job())], with_subtitles(subtitle_stream(2, "subrip")), EncodeContext("/in"))
    assert len(parse(invocation.argv).outputs) == 1 and invocation.finishers == ()


def test_keyframes_counted_in_frames_follow_the_output_rate():
    video = VideoSettings(preset="ultrafast", gop_frames=50)
    info = with_subtitles()  # 25 fps
    (invocation,) = plan_process([(0, Mp4Job(rendition=Rendition("x", video=video)))], info, EncodeContext("/in"))
    options = parse(invocation.argv).outputs[0].options
    assert options["g"] == "50" and options["force_key_frames"] == "expr:gte(t,n_forced*2.0)"


def test_mp4_subtitle_muxing_arguments():
    args = mp4_subtitle_args("in.mp4", ["a.vtt", "b.vtt"], ["en", "fra"], "out.mp4")
    assert args == [
        "-i", "in.mp4", "-i", "a.vtt", "-i", "b.vtt", "-map", "0", "-map", "1:s:0", "-map", "2:s:0",
        "-c", "copy", "-c:s", "mov_text", "-metadata:s:s:0", "language=eng", "-metadata:s:s:1", "language=fra",
        "-movflags", "+faststart", "-f", "mp4", "out.mp4",
    ]  # fmt: skip


# --- Real ffmpeg --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def subtitled(tmp_path_factory) -> Path:
    """3 s 320x180 with audio and a French mov_text track made from SRT cues."""
    folder = tmp_path_factory.mktemp("subtitled")
    (folder / "fr.srt").write_bytes(SRT.replace(b"Hello there", b"Bonjour"))
    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=3"),
        *("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3"),
        *("-i", "fr.srt", "-map", "0", "-map", "1", "-map", "2"),
        *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"),
        *("-c:s", "mov_text", "-metadata:s:s:0", "language=fra", "source.mp4"),
        cwd=folder,
    )
    (folder / "en.vtt").write_text(to_webvtt(SRT))
    return folder


def run(jobs, source: Path, out: Path) -> None:
    out.mkdir()
    for invocation in plan_process(jobs, probe_file(str(source)), EncodeContext(input_path=str(source))):
        for folder in invocation.directories:
            (out / folder).mkdir(parents=True, exist_ok=True)
        result = run_ffmpeg(
            invocation.argv, cwd=out, duration=invocation.duration, frames=invocation.frames, timeout=60
        )
        assert result.ok, result.stderr_tail
        apply_finishers(out, invocation.finishers, invocation.scratch)


def streams(path: Path, kind: str) -> list[dict]:
    command = ["ffprobe", "-v", "error", "-of", "json", "-show_streams", "-select_streams", kind, str(path)]
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)["streams"]


def cues_of(path: Path, stream: str) -> str:
    command = ["ffmpeg", "-v", "error", "-i", str(path), "-map", stream, "-f", "webvtt", "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@pytest.mark.ffmpeg
def test_hls_lists_requested_and_copied_tracks_and_the_vtts_parse(subtitled, tmp_path):
    rendition = Rendition("180p", height=180, video=FAST)
    job = HlsJob(
        renditions=(rendition,),
        segment_duration=1.0,
        subtitles=(SubtitleTrack(str(subtitled / "en.vtt"), "eng"),),
        copy_subtitles=True,
    )

    run([(0, job)], subtitled / "source.mp4", tmp_path / "out")

    out = tmp_path / "out"
    master = (out / "playlist.m3u8").read_text()
    assert re.findall(r'TYPE=SUBTITLES,GROUP-ID="subs",NAME="(\w+)",LANGUAGE="(\w+)"', master) == [
        ("English", "eng"),
        ("French", "fra"),
    ]
    assert 'SUBTITLES="subs"' in re.search(r"#EXT-X-STREAM-INF:(.*)", master).group(1)
    for language, first in (("eng", "Hello there"), ("fra", "Bonjour")):
        playlist = (out / f"subtitles/{language}.m3u8").read_text()
        assert "#EXT-X-PLAYLIST-TYPE:VOD" in playlist and playlist.rstrip().endswith("#EXT-X-ENDLIST")
        assert f"\n{language}.vtt\n" in playlist
        assert float(re.search(r"#EXTINF:([\d.]+)", playlist).group(1)) == pytest.approx(3.0, abs=0.1)
        vtt = (out / f"subtitles/{language}.vtt").read_text()
        assert re.match(r"WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:\d+,LOCAL:00:00:00\.000\n", vtt)
        assert cue_count(vtt) == 2 and first in vtt
        # ffmpeg itself reads it back as a subtitle stream with both cues.
        assert cues_of(out / f"subtitles/{language}.vtt", "0:s:0").count("-->") == 2
    assert not (out / ".work").exists()


@pytest.mark.ffmpeg
def test_mp4_gets_a_mov_text_track_per_language(subtitled, tmp_path):
    tracks = (SubtitleTrack(str(subtitled / "en.vtt"), "en"), SubtitleTrack(str(subtitled / "en.vtt"), "spa"))
    job = Mp4Job(rendition=Rendition("s", video=FAST), subtitles=tracks, filename="video.mp4")

    run([(0, job)], subtitled / "source.mp4", tmp_path / "out")

    mp4 = tmp_path / "out/video.mp4"
    subtitles = streams(mp4, "s")
    assert [(s["codec_name"], s["tags"]["language"]) for s in subtitles] == [("mov_text", "eng"), ("mov_text", "spa")]
    assert len(streams(mp4, "v")) == 1 and len(streams(mp4, "a")) == 1
    assert "00:00.500 --> 00:01.500\nHello there" in cues_of(mp4, "0:s:0")
    assert not list((tmp_path / "out").glob(".*"))  # no temporary file left beside it


@pytest.mark.ffmpeg
def test_copy_carries_the_sources_mov_text_track_cut_to_the_trim(subtitled, tmp_path):
    job = Mp4Job(rendition=Rendition("s", video=FAST), copy_subtitles=True, transformations=(Trim(start_time=1.0),))

    run([(0, job)], subtitled / "source.mp4", tmp_path / "out")

    mp4 = tmp_path / "out/video.mp4"
    (track,) = streams(mp4, "s")
    assert (track["codec_name"], track["tags"]["language"]) == ("mov_text", "fra")
    cues = cues_of(mp4, "0:s:0")
    assert "00:00.000 --> 00:00.500\nBonjour" in cues and "00:01.000 --> 00:01.800\nSecond cue" in cues

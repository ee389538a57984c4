"""HDR sources: tone-mapped once to SDR BT.709 for the jobs that want SDR, kept as 10-bit HDR for
the others; and what diagnostics say about it."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from media_platform.engine.diagnostics import check_colour, check_source
from media_platform.engine.issues import IssueCode, Severity
from media_platform.engine.plan import EncodeContext, plan_process
from media_platform.engine.plan.colour import colour_options, wants_sdr
from media_platform.engine.probe import probe_file
from media_platform.engine.spec import (
    HlsJob,
    Mp4Job,
    PreviewClipJob,
    Rendition,
    StoryboardJob,
    ThumbnailJob,
    VideoSettings,
)

from .conftest import source_info
from .test_diagnostics import LIMITS


def mp4(codec: str = "h264", *, hdr_to_sdr: bool | None = None, filename: str = "video.mp4") -> Mp4Job:
    video = VideoSettings(codec=codec, preset="ultrafast", crf=28)
    return Mp4Job(filename=filename, hdr_to_sdr=hdr_to_sdr, rendition=Rendition("r", video=video))


# --- Which jobs get SDR -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("job", "sdr"),
    [
        (mp4("h264"), True),  # players decode 8-bit H.264 as SDR
        (mp4("h265"), False),  # H.265 and AV1 carry HDR in 10 bits
        (mp4("av1"), False),
        (mp4("h265", hdr_to_sdr=True), True),
        (mp4("h264", hdr_to_sdr=False), False),
        (ThumbnailJob(hdr_to_sdr=False), True),  # images have no HDR
        (StoryboardJob(), True),
        (PreviewClipJob(video_codec="h265"), True),
        (HlsJob(renditions=(Rendition("a", video=VideoSettings(codec="h265")),)), False),
    ],
)
def test_which_jobs_are_tone_mapped(job, sdr):
    assert wants_sdr(job) is sdr


def test_colour_options_tag_what_each_output_is():
    video = source_info("hdr_pq").video
    assert colour_options(mp4("h264"), mp4().rendition, video) == {
        "color_primaries": "bt709", "color_trc": "bt709", "colorspace": "bt709", "color_range": "tv"
    }  # fmt: skip
    kept = mp4("h265")
    assert colour_options(kept, kept.rendition, video) == {
        "color_primaries": "bt2020", "color_trc": "smpte2084", "colorspace": "bt2020nc", "pix_fmt": "yuv420p10le"
    }  # fmt: skip
    eight_bit = mp4("h264", hdr_to_sdr=False)
    assert "pix_fmt" not in colour_options(eight_bit, eight_bit.rendition, video)
    assert colour_options(mp4("h264"), mp4().rendition, source_info("h264_aac").video) == {}


def test_the_decode_tone_maps_once_for_every_sdr_job():
    info = source_info("hdr_pq")
    jobs = [(0, mp4("h264", filename="a.mp4")), (1, mp4("h264", filename="b.mp4")), (2, mp4("h265", filename="c.mp4"))]
    argv = " ".join(plan_process(jobs, info, EncodeContext(input_path="in.mp4"))[0].argv)
    assert argv.count("]tonemap=") == 1 and "tonemap=desat=0:tonemap=hable" in argv
    assert "zscale=min=bt2020nc:npl=100:pin=bt2020:t=linear:tin=smpte2084" in argv
    sdr = " ".join(plan_process(jobs, source_info("h264_aac"), EncodeContext(input_path="in.mp4"))[0].argv)
    assert "zscale" not in sdr and "color_trc" not in sdr


# --- Diagnostics ----------------------------------------------------------------------------
def test_an_hdr_source_alone_is_no_issue_until_its_jobs_are_known():
    assert check_source(source_info("hdr_pq"), LIMITS) == []


@pytest.mark.parametrize(
    ("jobs", "levels"),
    [
        ([mp4("h264")], [Severity.INFORMATION]),  # tone-mapped
        ([mp4("h265")], [Severity.INFORMATION]),  # kept as 10-bit HDR
        ([mp4("h264", hdr_to_sdr=False)], [Severity.WARNING]),  # 8-bit, not tone-mapped
        ([mp4("h264"), mp4("h265"), mp4("h264", hdr_to_sdr=False)], [Severity.INFORMATION] * 2 + [Severity.WARNING]),
    ],
)
def test_colour_notes_say_what_became_of_hdr(jobs, levels):
    issues = check_colour(source_info("hdr_pq"), jobs)
    assert [issue.level for issue in issues] == levels
    assert {issue.code for issue in issues} == {IssueCode.TRANSCODING_WARNINGS}
    assert all(issue.value == "smpte2084" for issue in issues)
    assert check_colour(source_info("h264_aac"), jobs) == []


def test_the_warning_names_the_fix():
    (issue,) = check_colour(source_info("hdr_pq"), [mp4("h264", hdr_to_sdr=False)])
    assert "without tone mapping" in issue.message and "hdr_to_sdr" in issue.message


# --- Real ffmpeg: a generated PQ clip -------------------------------------------------------
def ffprobe_video(path: Path) -> dict:
    command = ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_streams", "-of", "json", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
    return json.loads(result.stdout)["streams"][0]


def mean_luma(path: Path) -> float:
    """signalstats' YAVG over every frame, in 8-bit code values."""
    command = ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-vf", "signalstats,metadata=print"]
    result = subprocess.run([*command, "-f", "null", "-"], capture_output=True, text=True, check=True, timeout=120)
    values = [float(v) for v in re.findall(r"lavfi\.signalstats\.YAVG=([\d.]+)", result.stderr)]
    assert values
    return sum(values) / len(values)


@pytest.fixture(scope="module")
def pq_clip(tmp_path_factory) -> Path:
    """testsrc2 turned into real PQ (BT.2020, SMPTE 2084) 10-bit H.265, tagged as such."""
    path = tmp_path_factory.mktemp("hdr") / "pq.mp4"
    source = ["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=2"]
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *source, "-c:v", "libx264", "-preset", "ultrafast",
         "-pix_fmt", "yuv420p", str(path.with_name("original.mp4"))],
        check=True, timeout=120,
    )  # fmt: skip
    to_pq = (
        "format=yuv420p,setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv,"
        "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt2020:t=smpte2084:m=bt2020nc:r=tv:npl=100,"
        "format=yuv420p10le"
    )
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         *source, "-vf", to_pq,
         "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-pix_fmt", "yuv420p10le",
         "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", "-tag:v", "hvc1",
         str(path)],
        check=True, timeout=120,
    )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def encoded(pq_clip, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hdr-out")
    info = probe_file(str(pq_clip))
    assert info.video.is_hdr and info.video.bit_depth == 10
    jobs = [
        (0, mp4("h264", filename="sdr.mp4")),
        (1, mp4("h265", filename="hdr.mp4")),
        (2, mp4("h264", hdr_to_sdr=False, filename="tagged.mp4")),
        (3, ThumbnailJob(filename="thumbnail.jpg")),
    ]
    for invocation in plan_process(jobs, info, EncodeContext(input_path=str(pq_clip))):
        subprocess.run(invocation.argv, cwd=out, check=True, capture_output=True, timeout=300)
    return out


@pytest.mark.ffmpeg
def test_tone_mapped_output_is_bt709_sdr_with_sane_brightness(encoded, pq_clip):
    stream = ffprobe_video(encoded / "sdr.mp4")
    assert (stream["color_transfer"], stream["color_primaries"], stream["color_space"]) == ("bt709",) * 3
    assert stream["pix_fmt"] == "yuv420p"
    luma = mean_luma(encoded / "sdr.mp4")
    assert 30 <= luma <= 200
    # Near the SDR picture the PQ clip was made from (Hable's curve keeps some headroom: darker).
    assert abs(luma - mean_luma(pq_clip.with_name("original.mp4"))) < 60


@pytest.mark.ffmpeg
def test_kept_hdr_output_is_ten_bit_pq(encoded):
    stream = ffprobe_video(encoded / "hdr.mp4")
    assert (stream["color_transfer"], stream["color_primaries"], stream["color_space"]) == (
        "smpte2084",
        "bt2020",
        "bt2020nc",
    )
    assert stream["pix_fmt"] == "yuv420p10le" and stream["profile"] == "Main 10"


@pytest.mark.ffmpeg
def test_h264_asked_to_keep_hdr_stays_eight_bit_with_the_tags(encoded):
    stream = ffprobe_video(encoded / "tagged.mp4")
    assert (stream["pix_fmt"], stream["color_transfer"]) == ("yuv420p", "smpte2084")


@pytest.mark.ffmpeg
def test_the_thumbnail_of_an_hdr_source_is_tone_mapped(encoded):
    assert 30 <= mean_luma(encoded / "thumbnail.jpg") <= 200

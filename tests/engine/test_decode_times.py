"""decode_times: an MP4 written beside HLS segments gets its encoder's decode times back."""

from __future__ import annotations

import subprocess

import pytest

from media_platform.engine.decode_times import first_video_packets, packed_delay, restore_decode_times

FRAME = 3600  # 25 fps at 90 kHz


@pytest.mark.parametrize(
    ("packets", "expected"),
    [
        # x264's delay of two frames packed into the first frame's duration, as the HLS outputs have it
        ([(0, 0), (3 * FRAME, 1200), (FRAME, 2400), (2 * FRAME, FRAME), (4 * FRAME, 2 * FRAME)], (3, FRAME)),
        # the encoder's own times: the first frame decodes two frames before it shows
        ([(0, -2 * FRAME), (3 * FRAME, -FRAME), (FRAME, 0), (2 * FRAME, FRAME)], (0, 0)),
        # no reordering at all (ultrafast): nothing was packed
        ([(0, 0), (FRAME, FRAME), (2 * FRAME, 2 * FRAME)], (0, 0)),
        ([(0, 0)], (0, 0)),
        ([], (0, 0)),
    ],
)
def test_packed_delay(packets, expected):
    assert packed_delay(packets) == expected


@pytest.mark.ffmpeg
def test_packed_times_are_spread_back_and_the_track_keeps_its_length(tmp_path):
    # given an MP4 whose first three decode times were packed into its first frame
    source, packed = tmp_path / "source.mp4", tmp_path / "packed.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=5:duration=4",
         "-c:v", "libx264", "-preset", "veryfast", "-video_track_timescale", "90000", str(source)],
        check=True,
    )  # fmt: skip
    ramp = "setts=pts=PTS:dts='if(lte(DTS,STARTPTS),STARTPTS+(DTS-STARTDTS)*18000/(STARTPTS-STARTDTS+18000),DTS)'"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(source), "-c", "copy", "-bsf:v", ramp, str(packed)], check=True
    )
    before = first_video_packets(source)
    assert first_video_packets(packed)[0][1] == 0 and packed_delay(first_video_packets(packed))[0] == 3

    # when
    assert restore_decode_times(packed) is True

    # then the decode times are the encoder's again, and so is the track's length
    assert first_video_packets(packed) == before
    assert restore_decode_times(packed) is False  # and a second pass leaves it alone
    duration = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=duration", "-of", "csv=p=0",
         str(packed)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert float(duration) == pytest.approx(4.0)

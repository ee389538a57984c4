"""progress: `ffmpeg -progress pipe:1` blocks (one recorded from a real run) and the throttle."""

from __future__ import annotations

import pytest

from media_platform.engine.progress import MonotonicThrottle, Progress, iter_progress, parse_progress_block

from .conftest import FIXTURES

RECORDED = (FIXTURES / "progress_h264_aac.txt").read_text().splitlines(keepends=True)


def test_recorded_run_parses_into_rising_blocks():
    blocks = list(iter_progress(RECORDED))

    assert len(blocks) == sum(1 for line in RECORDED if line.startswith("progress="))
    assert len(blocks) >= 3
    seconds = [b.seconds for b in blocks]
    frames = [b.frame for b in blocks]
    assert seconds == sorted(seconds) and frames == sorted(frames)
    assert [b.done for b in blocks] == [False] * (len(blocks) - 1) + [True]
    assert blocks[-1].frame == 50  # the whole 2-second, 25 fps clip
    assert blocks[-1].seconds == pytest.approx(2.0, abs=0.05)
    assert all(b.speed is not None and b.speed > 0 for b in blocks)


def test_recorded_run_fractions_end_at_one():
    fractions = [b.fraction(2.0, 50) for b in iter_progress(RECORDED)]

    assert fractions == sorted(fractions)
    assert 0 < fractions[0] < 1
    assert fractions[-1] == 1.0


BLOCK = """frame=12
fps=0.00
stream_0_0_q=0.0
bitrate=N/A
total_size=N/A
out_time_us={us}
out_time_ms={us}
out_time=00:00:00.500000
dup_frames=0
drop_frames=0
speed={speed}
progress={progress}
"""


@pytest.mark.parametrize(
    ("us", "speed", "progress", "expected"),
    [
        ("500000", "1.5x", "continue", Progress(0.5, False, 1.5, 12)),
        ("500000", " 2x", "end", Progress(0.5, True, 2.0, 12)),
        ("N/A", "N/A", "continue", Progress(0.0, False, None, 12)),
        ("-9223372036854775807", "0x", "continue", Progress(0.0, False, 0.0, 12)),
        ("0", "", "continue", Progress(0.0, False, None, 12)),
    ],
)
def test_parse_block(us, speed, progress, expected):
    lines = BLOCK.format(us=us, speed=speed, progress=progress).splitlines()

    assert parse_progress_block(lines) == expected


def test_block_without_progress_line_is_nothing():
    assert parse_progress_block(["frame=1", "out_time_us=10"]) is None
    assert parse_progress_block([]) is None


def test_frame_na_counts_as_zero():
    assert parse_progress_block(["frame=N/A", "out_time_us=1000000", "progress=continue"]).frame == 0


def test_iter_progress_groups_lines_and_ignores_noise():
    lines = ["garbage\n", "out_time_us=1000000\n", "progress=continue\n", "frame=3\n", "progress=end\n", "tail=1\n"]

    blocks = list(iter_progress(lines))

    assert blocks == [Progress(1.0, False, None, 0), Progress(0.0, True, None, 3)]


@pytest.mark.parametrize(
    ("progress", "seconds", "frames", "fraction"),
    [
        (Progress(5.0, False, frame=50), 10.0, None, 0.5),
        (Progress(5.0, False, frame=50), 10.0, 200, 0.25),  # frames win over time
        (Progress(50.0, False, frame=0), 10.0, None, 1.0),  # clamped
        (Progress(1e6, False, frame=300), 10.0, 200, 1.0),  # a dump running ahead cannot overshoot
        (Progress(5.0, False), 0.0, None, 0.0),
        (Progress(0.0, True), 0.0, None, 1.0),
        (Progress(0.0, True), 10.0, 100, 1.0),
    ],
)
def test_fraction(progress, seconds, frames, fraction):
    assert progress.fraction(seconds, frames) == fraction


# --- throttle -----------------------------------------------------------------------------
def offer_all(throttle, offers):
    return [value for value, now in offers if throttle.offer(value, now)]


@pytest.mark.parametrize(
    ("offers", "passed"),
    [
        # At most once per interval.
        ([(0.1, 0.0), (0.2, 0.5), (0.3, 0.99), (0.4, 1.0), (0.5, 1.5), (0.6, 2.1)], [0.1, 0.4, 0.6]),
        # Only upward, however late.
        ([(0.5, 0.0), (0.4, 5.0), (0.5, 6.0), (0.51, 7.0)], [0.5, 0.51]),
        # The final 1.0 passes even right after another write …
        ([(0.9, 0.0), (1.0, 0.01)], [0.9, 1.0]),
        # … but only once.
        ([(1.0, 0.0), (1.0, 5.0)], [1.0]),
        ([(0.0, 0.0), (0.0, 2.0)], [0.0]),
    ],
)
def test_throttle(offers, passed):
    assert offer_all(MonotonicThrottle(interval=1.0), offers) == passed


def test_throttle_interval_is_configurable():
    throttle = MonotonicThrottle(interval=0.0)

    assert offer_all(throttle, [(0.1, 0.0), (0.2, 0.0), (0.3, 0.0)]) == [0.1, 0.2, 0.3]


def test_throttle_never_writes_more_than_once_a_second_over_a_long_run():
    throttle = MonotonicThrottle()
    offers = [(i / 1000, i / 100) for i in range(1000)] + [(1.0, 10.0)]

    passed = [(value, now) for value, now in offers if throttle.offer(value, now)]

    times = [now for _, now in passed]
    assert all(b - a >= 1.0 for a, b in zip(times, times[1:-1], strict=False))
    assert len(passed) <= 11
    assert passed[-1][0] == 1.0

"""diagnostics: IssueCodes for sources (check_source), failed runs (classify_failure) and finished ones."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest

from media_platform.engine.diagnostics import (
    Limits,
    check_encode,
    check_output_streams,
    check_source,
    classify_failure,
    decoding_errors,
    undecodable_sound,
)
from media_platform.engine.issues import InputError, Issue, IssueCode, Severity
from media_platform.engine.probe import AudioStreamInfo, SourceInfo, VideoStreamInfo
from media_platform.engine.runner import RunResult, _read_stderr

from .conftest import FIXTURES, source_info

LIMITS = Limits()
TAILS = json.loads((FIXTURES / "stderr_tails.json").read_text())


def codes(issues):
    return [(i.level, i.code) for i in issues]


def clip(*, width=1280, height=720, fps=25.0, avg_fps=None, duration=10.0, audio=(10.0,), **video):
    return SourceInfo(
        format_name="mov",
        duration=duration,
        video=VideoStreamInfo(
            index=0,
            codec="h264",
            width=width,
            height=height,
            fps=fps,
            avg_fps=avg_fps if avg_fps is not None else fps,
            duration=video.pop("video_duration", duration),
            frames=250,
            **video,
        ),
        audio=tuple(AudioStreamInfo(index=i + 1, codec="aac", duration=d) for i, d in enumerate(audio)),
    )


# --- check_source: errors that stop the encode --------------------------------------------
@pytest.mark.parametrize(
    ("info", "code", "value"),
    [
        (source_info("audio_only"), IssueCode.INCOMPATIBLE_RESOLUTION, None),
        (source_info("cover_art"), IssueCode.INCOMPATIBLE_RESOLUTION, None),
        (source_info("image"), IssueCode.INCOMPATIBLE_RESOLUTION, None),
        (SourceInfo(format_name="mov", duration=0.0), IssueCode.ORIGINAL_CORRUPTED, None),
        (clip(width=0, height=0), IssueCode.INCOMPATIBLE_RESOLUTION, None),
        (clip(width=8200, height=4400), IssueCode.INCOMPATIBLE_RESOLUTION, "8200x4400"),
        (clip(duration=13 * 3600), IssueCode.VIDEO_EXCEEDED_MAX_DURATION, "46800.000"),
        (clip(duration=13 * 3600, audio=()), IssueCode.VIDEO_EXCEEDED_MAX_DURATION, "46800.000"),
        # The picture is short; a long audio track makes the file too long.
        (clip(duration=13 * 3600, video_duration=60.0), IssueCode.AUDIO_EXCEEDED_MAX_DURATION, "46800.000"),
    ],
)
def test_check_source_errors(info, code, value):
    issues = check_source(info, LIMITS)

    assert len(issues) == 1
    assert issues[0].level is Severity.ERROR and issues[0].is_fatal
    assert issues[0].code is code
    assert issues[0].value == value
    assert issues[0].message.endswith(".")


def test_audio_only_message_says_so():
    assert "audio only" in check_source(source_info("audio_only"), LIMITS)[0].message


def test_limits_are_configurable():
    info = clip(width=1920, height=1080, duration=120, audio=(120.0,))

    assert check_source(info, Limits(max_pixels=1280 * 720))[0].code is IssueCode.INCOMPATIBLE_RESOLUTION
    assert check_source(info, Limits(max_duration=60))[0].code is IssueCode.VIDEO_EXCEEDED_MAX_DURATION
    assert check_source(info, Limits(max_pixels=1920 * 1080, max_duration=120)) == []


# --- check_source: warnings and information -----------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("h264_aac", []),
        ("portrait_rotate90", []),
        ("ten_bit", []),
        ("hdr_pq", []),  # what becomes of HDR depends on the jobs: check_colour (test_hdr.py)
        ("interlaced", [(Severity.INFORMATION, IssueCode.TRANSCODING_WARNINGS)]),
        ("vfr", [(Severity.INFORMATION, IssueCode.INVALID_FRAMERATE)]),
        ("two_audio", [(Severity.INFORMATION, IssueCode.TRANSCODING_WARNINGS)]),
        ("surround", [(Severity.INFORMATION, IssueCode.TRANSCODING_WARNINGS)]),
    ],
)
def test_check_source_on_recorded_probes(name, expected):
    assert codes(check_source(source_info(name), LIMITS)) == expected


def test_recorded_warning_messages_say_what_happened():
    assert check_source(source_info("interlaced"), LIMITS)[0].value == "tt"
    assert "2 audio tracks" in check_source(source_info("two_audio"), LIMITS)[0].message
    assert "6-channel" in check_source(source_info("surround"), LIMITS)[0].message
    vfr = check_source(source_info("vfr"), LIMITS)[0]
    assert "30 nominal" in vfr.message and vfr.value == "16.3636"


@pytest.mark.parametrize(
    ("info", "expected", "value"),
    [
        (clip(fps=None), [(Severity.WARNING, IssueCode.INVALID_FRAMERATE)], None),
        (clip(fps=1000.0), [(Severity.WARNING, IssueCode.INVALID_FRAMERATE)], "1000"),
        (clip(fps=240.0), [], None),
        (clip(fps=30.0, avg_fps=29.0), [(Severity.INFORMATION, IssueCode.INVALID_FRAMERATE)], "29"),
        (clip(fps=30.0, avg_fps=29.9), [], None),  # within 2 %: constant enough
        (clip(audio=(8.5,)), [(Severity.WARNING, IssueCode.STREAM_LENGTHS_DIFFERENCE)], "video 10.00s, audio 8.50s"),
        (clip(audio=(9.2,)), [], None),  # under a second apart
        (clip(audio=(None,)), [], None),
    ],
)
def test_check_source_warnings(info, expected, value):
    issues = check_source(info, LIMITS)

    assert codes(issues) == expected
    if issues:
        assert issues[0].value == value


def test_every_warning_at_once():
    info = clip(
        fps=30.0,
        avg_fps=24.0,
        audio=(7.0, 10.0),
        color_transfer="arib-std-b67",
        field_order="bb",
    )
    info = replace(info, audio=(replace(info.audio[0], channels=6), info.audio[1]))

    issues = check_source(info, LIMITS)

    assert codes(issues) == [
        (Severity.INFORMATION, IssueCode.INVALID_FRAMERATE),
        (Severity.WARNING, IssueCode.STREAM_LENGTHS_DIFFERENCE),
        (Severity.INFORMATION, IssueCode.TRANSCODING_WARNINGS),
        (Severity.INFORMATION, IssueCode.TRANSCODING_WARNINGS),
        (Severity.INFORMATION, IssueCode.TRANSCODING_WARNINGS),
    ]
    assert not any(i.is_fatal for i in issues)


# --- classify_failure on recorded stderr --------------------------------------------------
def recorded(name: str, **flags) -> RunResult:
    """A RunResult as the runner builds it from the recorded stderr of a real ffmpeg run."""
    tail = TAILS[name]
    result = RunResult(returncode=tail["returncode"], elapsed=1.0, **flags)
    _read_stderr(io.StringIO(tail["stderr"]), result)
    return result


@pytest.mark.parametrize(
    ("name", "code", "reason"),
    [
        ("truncated_mp4", IssueCode.ORIGINAL_CORRUPTED, "moov atom not found"),
        ("not_media", IssueCode.ORIGINAL_CORRUPTED, "Invalid data found when processing input"),
        ("missing_input", IssueCode.UNDEFINED, "No such file or directory"),
    ],
)
def test_input_faults_fail_now_and_say_why(name, code, reason):
    issue = classify_failure(recorded(name))

    assert issue is not None and issue.is_fatal
    assert issue.code is code
    assert reason in issue.message
    assert "@ 0x" not in issue.message and "[error]" not in issue.message
    assert reason in issue.value


@pytest.mark.parametrize("name", ["disk_full", "malloc_failed", "shared_libraries", "terminated"])
def test_environment_faults_are_retried(name):
    assert classify_failure(recorded(name)) is None


def test_recorded_runs_keep_their_error_lines():
    truncated = recorded("truncated_mp4")

    assert truncated.returncode == 1 and not truncated.ok
    assert truncated.error_lines[0].endswith("[error] moov atom not found")
    corrupt = recorded("corrupt_ts")
    assert corrupt.ok and corrupt.warning_count >= 1 and len(corrupt.error_lines) >= 2


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        # A timeout blames the file, unless the environment is clearly at fault.
        (RunResult(returncode=255, elapsed=9.0, timed_out=True), IssueCode.ORIGINAL_CORRUPTED),
        (RunResult(returncode=-9, elapsed=9.0, timed_out=True), IssueCode.ORIGINAL_CORRUPTED),
        (
            RunResult(
                returncode=255,
                elapsed=9.0,
                timed_out=True,
                error_lines=["[error] av_interleaved_write_frame(): No space left on device"],
            ),
            None,
        ),
        # Killed from outside (OOM killer, worker shutdown): not the file's fault.
        (RunResult(returncode=-9, elapsed=1.0), None),
        (RunResult(returncode=-15, elapsed=1.0, stderr_tail=["[error] Invalid data found"]), None),
        (RunResult(returncode=255, elapsed=1.0), None),
        # Nothing said at all: fail, but with no code that blames the file.
        (RunResult(returncode=1, elapsed=1.0), IssueCode.UNDEFINED),
        (
            RunResult(returncode=1, elapsed=1.0, stderr_tail=["[h264 @ 0x1] [error] Invalid NAL unit size"]),
            IssueCode.ORIGINAL_CORRUPTED,
        ),
        (RunResult(returncode=1, elapsed=1.0, stderr_tail=["[error] Connection reset by peer"]), None),
    ],
)
def test_classify_signals_timeouts_and_silence(result, expected):
    issue = classify_failure(result)

    assert (issue.code if issue else None) is expected


def test_classify_prefers_error_lines_and_picks_the_input_fault_as_reason():
    result = RunResult(
        returncode=1,
        elapsed=1.0,
        stderr_tail=["[warning] something else"],
        error_lines=["[h264 @ 0xabc] [error] error while decoding MB 3 4", "[error] Conversion failed!"],
    )

    issue = classify_failure(result)

    assert issue.code is IssueCode.ORIGINAL_CORRUPTED
    assert issue.value == "error while decoding MB 3 4"
    assert issue.message == "The file could not be transcoded: error while decoding MB 3 4"


def test_classify_without_known_fault_uses_the_last_line():
    issue = classify_failure(
        RunResult(returncode=1, elapsed=1.0, error_lines=["[error] first", "[error] Conversion failed!"])
    )

    assert issue.code is IssueCode.UNDEFINED
    assert issue.value == "Conversion failed!"


def test_classify_value_is_bounded():
    issue = classify_failure(RunResult(returncode=1, elapsed=1.0, error_lines=["[error] corrupt " + "x" * 2000]))

    assert len(issue.value) == 500


# --- check_encode: did the whole source decode? -------------------------------------------
def test_clean_full_decode_has_no_issues():
    assert check_encode(clip(), RunResult(0, 1.0), 10.0, 10.0) == []
    assert check_encode(clip(), RunResult(0, 1.0), None, 10.0) == []
    assert check_encode(clip(), RunResult(0, 1.0), 9.5, 10.0) == []


def test_truncated_file_with_decode_errors_is_an_error():
    result = recorded("corrupt_ts")

    issues = check_encode(clip(), result, 4.0, 10.0)

    assert codes(issues) == [(Severity.ERROR, IssueCode.ORIGINAL_CORRUPTED)]
    assert issues[0].value == "4.00/10.00"
    assert "truncated" in issues[0].message


def test_header_that_lies_about_the_length_is_only_a_warning():
    issues = check_encode(clip(), RunResult(0, 1.0), 4.0, 10.0)

    assert codes(issues) == [(Severity.WARNING, IssueCode.ORIGINAL_CORRUPTED)]
    assert "claims 10.0 s" in issues[0].message


def test_full_decode_with_glitches_is_a_warning_naming_the_first_error():
    issues = check_encode(clip(), recorded("corrupt_ts"), 10.0, 10.0)

    assert codes(issues) == [(Severity.WARNING, IssueCode.TRANSCODING_WARNINGS)]
    assert issues[0].value == recorded("corrupt_ts").error_lines[0].split("] ", 2)[-1]
    assert "decoding error(s)" in issues[0].message


def test_short_decode_with_warnings_only_and_errors_both_reported():
    result = RunResult(0, 1.0, error_lines=["[error] x"])

    assert codes(check_encode(clip(), result, 9.5, 10.0)) == [(Severity.WARNING, IssueCode.TRANSCODING_WARNINGS)]
    assert codes(check_encode(clip(), RunResult(0, 1.0), 0.0, 0.0)) == []


@pytest.mark.parametrize(
    ("line", "counted"),
    [
        ("[dv @ 0x55f5e2085ec0] [error] Detected timecode is invalid", False),
        ("[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5581] [error] stream 1, offset 0x30: partial file", False),
        ("[matroska,webm @ 0x5581] [error] Invalid EBML number size tag 0x01", False),
        ("[mpegts @ 0x5581] [error] Packet corrupt (stream = 0, dts = 1200)", False),
        ("[h264 @ 0x5581] [error] error while decoding MB 3 5, bytestream -7", True),
        ("[dvvideo @ 0x5581] [error] AC EOB marker is absent pos=64", True),
        ("[vorbis @ 0x5581] [error] Id header corrupt.", True),
        ("[error] Error while decoding stream #0:0: Invalid data found when processing input", True),
    ],
)
def test_demuxer_notices_are_not_decoding_errors(line, counted):
    """A container's notice (a DV frame's missing timecode) says nothing about the pictures: a
    clean decode with one must not be told it may show glitches."""
    issues = check_encode(clip(), RunResult(0, 1.0, error_lines=[line]), 10.0, 10.0)

    assert codes(issues) == ([(Severity.WARNING, IssueCode.TRANSCODING_WARNINGS)] if counted else [])
    assert decoding_errors([line]) == ([line.rsplit("] ", 1)[-1]] if counted else [])


NO_DECODER = "[error] Error while opening decoder for input stream #0:1 : Invalid data found when processing input"
SOUND_FAILED = [
    "[vorbis @ 0x5581] [error]  Vorbis id header packet corrupt (no vorbis signature).",
    "[vorbis @ 0x5581] [error] Id header corrupt.",
    "[error] Error while decoding stream #0:1: Invalid data found when processing input",
]


@pytest.mark.parametrize(
    ("result", "warned"),
    [
        (RunResult(69, 1.0, error_lines=SOUND_FAILED), True),  # ffmpeg gave up on the error rate
        (RunResult(1, 1.0, error_lines=["[vorbis @ 0x5581] [error] Setup header corrupt.", NO_DECODER]), True),
        # The picture can't be decoded (or both can't): the run fails as it did.
        (RunResult(69, 1.0, error_lines=[SOUND_FAILED[2].replace("#0:1", "#0:0")]), False),
        (RunResult(69, 1.0, error_lines=[*SOUND_FAILED, SOUND_FAILED[2].replace("#0:1", "#0:0")]), False),
        # A watermark image (input #1) is not the source's sound.
        (RunResult(1, 1.0, error_lines=[SOUND_FAILED[2].replace("#0:1", "#1:1")]), False),
        (RunResult(1, 1.0, error_lines=["[error] x.ogv: Invalid data found when processing input"]), False),
        (RunResult(1, 1.0, error_lines=[*SOUND_FAILED, "[error] No space left on device"]), False),  # retried
        (RunResult(0, 1.0, error_lines=SOUND_FAILED), False),  # finished: the glitches are check_encode's
        (RunResult(-9, 1.0, error_lines=SOUND_FAILED), False),
        (RunResult(1, 1.0, error_lines=SOUND_FAILED, timed_out=True), False),
    ],
)
def test_a_run_that_failed_on_the_sound_alone_is_a_warning(result, warned):
    issue = undecodable_sound(result, clip())

    if warned:
        assert (issue.level, issue.code) == (Severity.WARNING, IssueCode.ORIGINAL_CORRUPTED)
        assert "without sound" in issue.message and "#0:1" in issue.value
    else:
        assert issue is None


def test_a_silent_source_has_no_sound_to_blame():
    assert undecodable_sound(RunResult(69, 1.0, error_lines=SOUND_FAILED), clip(audio=())) is None


@pytest.mark.parametrize(
    ("video", "audio", "expected"),
    [
        (10.0, 10.5, []),
        (10.0, 8.0, [(Severity.WARNING, IssueCode.STREAM_LENGTHS_DIFFERENCE)]),
        (None, 8.0, []),
        (10.0, None, []),
    ],
)
def test_check_output_streams(video, audio, expected):
    assert codes(check_output_streams(video, audio)) == expected


def test_input_error_carries_its_issue():
    issue = Issue(Severity.ERROR, IssueCode.ORIGINAL_CORRUPTED, "bad")

    error = InputError(issue)

    assert str(error) == "bad" and error.issue is issue
    assert not Issue(Severity.WARNING, IssueCode.UNDEFINED, "x").is_fatal
    assert int(IssueCode.CAPTION_GENERATION_FAILED) == 11 and int(Severity.ERROR) == 3

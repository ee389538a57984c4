"""What is wrong with a source or an encode, as bunny IssueCodes with a sentence a person can act on."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .issues import Issue, IssueCode, Severity
from .plan.colour import HDR_CODECS, video_codecs, wants_sdr
from .probe import SourceInfo
from .runner import RunResult
from .spec import Job


@dataclass(frozen=True)
class Limits:
    max_duration: float = 12 * 3600
    max_pixels: int = 8192 * 4352
    max_fps: float = 240.0


# Seconds by which audio and video may differ before a player notices drift at the end.
STREAM_LENGTH_TOLERANCE = 1.0
# Share of the source that must decode for the output to count as complete.
COMPLETE_SHARE = 0.9

INPUT_FAULTS = (
    "invalid data found",
    "moov atom not found",
    "partial file",
    "error while decoding",
    "could not find codec parameters",
    "invalid nal",
    "does not contain any stream",
    "not on whitelist",
    "unsupported codec",
    "decoding error",
    "corrupt",
    "truncat",
    "end of file",
    "missing picture",
    "no frame",
    "max_pixels",
    "picture size",
)
SIZE_FAULTS = ("picture size", "max_pixels", "invalid image size", "dimensions too large")
# Containers whose demuxers log under their own name ("[dv @ 0x…] Detected timecode is
# invalid"): what they say is about the wrapping (a timecode, an index, a duration), not a
# picture or a sound that failed to decode. Raw-stream demuxers share their codec's name
# ("h264") and are left out: there the decoder is the likelier speaker.
CONTAINER_DEMUXERS = frozenset(
    {"mov", "matroska", "avi", "flv", "mpegts", "mpeg", "mxf", "asf", "dv", "nut", "ogg", "rm", "ivf", "wav", "w64",
     "aiff", "caf", "yuv4mpegpipe", "image2"}
)  # fmt: skip
# ffmpeg's own words when a stream of the source (#input:stream) cannot be decoded at all.
UNDECODABLE_STREAM = re.compile(r"error while (?:decoding stream|opening decoder for input stream) #0:(\d+)", re.I)
ENVIRONMENT_FAULTS = (
    "no space left on device",
    "cannot allocate memory",
    "input/output error",
    "resource temporarily unavailable",
    "connection refused",
    "connection reset",
    "broken pipe",
    "too many open files",
    # A memory limit on the worker, not the file: x264 and the loader say so in their own words.
    "malloc of size",
    "out of memory",
    "error while loading shared libraries",
)


def check_source(info: SourceInfo, limits: Limits) -> list[Issue]:
    """Issues found in a probed source. Any at Error level means: do not encode."""
    video = info.video
    if video is None:
        if info.has_audio:
            return [
                Issue(
                    Severity.ERROR, IssueCode.INCOMPATIBLE_RESOLUTION, "The file has no video stream: it is audio only."
                )
            ]
        return [Issue(Severity.ERROR, IssueCode.ORIGINAL_CORRUPTED, "The file contains no audio or video stream.")]
    if info.is_image:
        return [Issue(Severity.ERROR, IssueCode.INCOMPATIBLE_RESOLUTION, "The file is a still image, not a video.")]
    if video.width <= 0 or video.height <= 0:
        return [Issue(Severity.ERROR, IssueCode.INCOMPATIBLE_RESOLUTION, "The video stream has no picture size.")]
    size = f"{video.width}x{video.height}"
    if video.width * video.height > limits.max_pixels:
        message = f"The picture is {size}, larger than the {limits.max_pixels:,}-pixel limit."
        return [Issue(Severity.ERROR, IssueCode.INCOMPATIBLE_RESOLUTION, message, size)]
    if info.duration > limits.max_duration:
        code = IssueCode.VIDEO_EXCEEDED_MAX_DURATION
        if not video.duration or video.duration <= limits.max_duration:
            code = IssueCode.AUDIO_EXCEEDED_MAX_DURATION if info.has_audio else code
        message = f"The file lasts {info.duration:.0f} s, over the {limits.max_duration:.0f} s limit."
        return [Issue(Severity.ERROR, code, message, f"{info.duration:.3f}")]
    return _warnings(info, limits)


def _warnings(info: SourceInfo, limits: Limits) -> list[Issue]:
    video = info.video
    assert video is not None
    issues = []
    if info.header_duration:
        message = f"The file's header claims {info.header_duration:.1f} s but its streams last {info.duration:.1f} s."
        value = f"{info.duration:.2f}/{info.header_duration:.2f}"
        issues.append(Issue(Severity.WARNING, IssueCode.ORIGINAL_CORRUPTED, message, value))
    rate = video.frame_rate
    if not rate or rate > limits.max_fps:
        issues.append(
            Issue(
                Severity.WARNING,
                IssueCode.INVALID_FRAMERATE,
                "The frame rate is missing or implausible; timestamps were used instead.",
                f"{rate:g}" if rate else None,
            )
        )
    elif video.is_variable_frame_rate:
        message = f"Variable frame rate ({video.fps:g} nominal, {video.avg_fps:g} average) was made constant."
        issues.append(Issue(Severity.INFORMATION, IssueCode.INVALID_FRAMERATE, message, f"{video.avg_fps:g}"))
    if info.has_audio and video.duration and info.audio[0].duration:
        gap = abs(video.duration - info.audio[0].duration)
        if gap > STREAM_LENGTH_TOLERANCE:
            value = f"video {video.duration:.2f}s, audio {info.audio[0].duration:.2f}s"
            issues.append(
                Issue(
                    Severity.WARNING,
                    IssueCode.STREAM_LENGTHS_DIFFERENCE,
                    f"Audio and video lengths differ by {gap:.1f} s.",
                    value,
                )
            )
    if video.is_interlaced:
        issues.append(
            Issue(
                Severity.INFORMATION,
                IssueCode.TRANSCODING_WARNINGS,
                "The source is interlaced; it was deinterlaced.",
                video.field_order,
            )
        )
    if len(info.audio) > 1:
        issues.append(
            Issue(
                Severity.INFORMATION,
                IssueCode.TRANSCODING_WARNINGS,
                f"The source has {len(info.audio)} audio tracks; only the first was kept.",
            )
        )
    if info.audio and info.audio[0].channels > 2:
        message = f"{info.audio[0].channels}-channel audio was mixed down to stereo."
        issues.append(Issue(Severity.INFORMATION, IssueCode.TRANSCODING_WARNINGS, message))
    return issues


def check_colour(info: SourceInfo, jobs: Sequence[Job]) -> list[Issue]:
    """What became of an HDR source's colours, once per kind of treatment its jobs got (plan/colour.py)."""
    video = info.video
    if video is None or not video.is_hdr or not jobs:
        return []
    kind = "HLG" if video.color_transfer == "arib-std-b67" else "PQ"
    sdr = [job for job in jobs if wants_sdr(job)]
    kept = [codec for job in jobs if not wants_sdr(job) for codec in video_codecs(job)]
    issues = []
    if sdr:
        message = f"The source is HDR ({kind}); it was tone-mapped to SDR (BT.709) for outputs delivered as SDR."
        issues.append(Issue(Severity.INFORMATION, IssueCode.TRANSCODING_WARNINGS, message, video.color_transfer))
    if any(codec in HDR_CODECS for codec in kept):
        message = f"The source is HDR ({kind}); H.265/AV1 outputs keep it: 10-bit with the source's colour tags."
        issues.append(Issue(Severity.INFORMATION, IssueCode.TRANSCODING_WARNINGS, message, video.color_transfer))
    if "h264" in kept:
        message = (
            f"The source is HDR ({kind}); H.264 outputs were delivered in 8 bits without tone mapping (HDR tags "
            "kept): only HDR-aware players show them right, others look washed out. Ask for hdr_to_sdr to tone-map."
        )
        issues.append(Issue(Severity.WARNING, IssueCode.TRANSCODING_WARNINGS, message, video.color_transfer))
    return issues


def _clean(line: str) -> str:
    """`[h264 @ 0x55…] [error] message` → `message`."""
    return re.sub(r"^(\[[^\]]*\]\s*)+", "", line).strip()


def _speaker(line: str) -> str:
    """Who logged the line: `[dv @ 0x55…] …` → "dv", `[mov,mp4,m4a @ 0x…]` → "mov"; "" for ffmpeg itself."""
    match = re.match(r"^\[([^\]@]+?) @ 0x[0-9a-f]+\]", line)
    return match.group(1).split(",")[0].strip() if match else ""


def decoding_errors(lines: Sequence[str]) -> list[str]:
    """The error lines that say a picture or a sound did not decode: without the demuxers' notices."""
    return [_clean(line) for line in lines if _speaker(line) not in CONTAINER_DEMUXERS]


def undecodable_sound(result: RunResult, info: SourceInfo) -> Issue | None:
    """A Warning when a run failed because the source's sound, and nothing else, could not be
    decoded: the video is then encoded again without it and published silent. A picture that
    cannot be decoded names its own stream and still fails (classify_failure)."""
    if result.ok or result.timed_out or result.killed_by_signal or not info.audio:
        return None
    lines = [_clean(line) for line in (result.error_lines or result.stderr_tail)]
    if any(fault in " ".join(lines).lower() for fault in ENVIRONMENT_FAULTS):
        return None
    named = [(int(match.group(1)), line) for line in lines if (match := UNDECODABLE_STREAM.search(line))]
    if not named or {stream for stream, _ in named} != {info.audio[0].index}:
        return None
    sound = info.audio[0]
    message = f"The sound ({sound.codec}) could not be decoded; the video was published without sound."
    return Issue(Severity.WARNING, IssueCode.ORIGINAL_CORRUPTED, message, named[0][1][:500])


def classify_failure(result: RunResult) -> Issue | None:
    """An Issue when the source is at fault (fail now); None when the environment is (retry)."""
    lines = [_clean(line) for line in (result.error_lines or result.stderr_tail)]
    text = " ".join(lines).lower()
    if any(fault in text for fault in ENVIRONMENT_FAULTS):
        return None
    if result.timed_out:
        return Issue(
            Severity.ERROR,
            IssueCode.ORIGINAL_CORRUPTED,
            "Encoding took far longer than the video lasts; the file is likely malformed.",
        )
    if result.killed_by_signal:
        return None  # the worker or the kernel stopped it: not the file's fault
    reason = next((line for line in lines if any(f in line.lower() for f in INPUT_FAULTS)), lines[-1] if lines else "")
    code = IssueCode.ORIGINAL_CORRUPTED if any(f in text for f in INPUT_FAULTS) else IssueCode.UNDEFINED
    if any(f in text for f in SIZE_FAULTS):
        # Frames claiming an impossible size (a decompression bomb, a damaged header).
        message = f"The frames claim a picture size beyond what can be decoded: {reason}"
        return Issue(Severity.ERROR, IssueCode.INCOMPATIBLE_RESOLUTION, message, reason[:500] or None)
    return Issue(
        Severity.ERROR, code, f"The file could not be transcoded: {reason or 'ffmpeg failed'}", reason[:500] or None
    )


def check_encode(
    source: SourceInfo, result: RunResult, decoded_seconds: float | None, expected_seconds: float
) -> list[Issue]:
    """After a successful run: did the whole source decode, cleanly?"""
    issues = []
    errors = decoding_errors(result.error_lines)
    if decoded_seconds is not None and expected_seconds > 0 and decoded_seconds < expected_seconds * COMPLETE_SHARE:
        value = f"{decoded_seconds:.2f}/{expected_seconds:.2f}"
        if errors:
            message = (
                f"The file is damaged or truncated: only {decoded_seconds:.1f} s"
                f" of {expected_seconds:.1f} s could be decoded."
            )
            return [Issue(Severity.ERROR, IssueCode.ORIGINAL_CORRUPTED, message, value)]
        message = f"The file's header claims {expected_seconds:.1f} s but {decoded_seconds:.1f} s of video decoded."
        issues.append(Issue(Severity.WARNING, IssueCode.ORIGINAL_CORRUPTED, message, value))
    if errors:
        message = f"{len(errors)} decoding error(s); parts of the output may show glitches."
        issues.append(Issue(Severity.WARNING, IssueCode.TRANSCODING_WARNINGS, message, errors[0][:500]))
    return issues


def check_output_streams(video_seconds: float | None, audio_seconds: float | None) -> list[Issue]:
    if video_seconds is None or audio_seconds is None:
        return []
    gap = abs(video_seconds - audio_seconds)
    if gap <= STREAM_LENGTH_TOLERANCE:
        return []
    value = f"video {video_seconds:.2f}s, audio {audio_seconds:.2f}s"
    return [
        Issue(
            Severity.WARNING,
            IssueCode.STREAM_LENGTHS_DIFFERENCE,
            f"In the output, audio and video lengths differ by {gap:.1f} s.",
            value,
        )
    ]

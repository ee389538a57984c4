"""Severity and IssueCodes exactly as bunny's TranscodingMessageModel numbers them."""

from dataclasses import dataclass
from enum import IntEnum


class Severity(IntEnum):
    UNDEFINED = 0
    INFORMATION = 1
    WARNING = 2
    ERROR = 3


class IssueCode(IntEnum):
    UNDEFINED = 0
    STREAM_LENGTHS_DIFFERENCE = 1
    TRANSCODING_WARNINGS = 2
    INCOMPATIBLE_RESOLUTION = 3
    INVALID_FRAMERATE = 4
    VIDEO_EXCEEDED_MAX_DURATION = 5
    AUDIO_EXCEEDED_MAX_DURATION = 6
    ORIGINAL_CORRUPTED = 7
    TRANSCRIPTION_FAILED = 8
    JIT_INCOMPATIBLE = 9
    JIT_FAILED = 10
    CAPTION_GENERATION_FAILED = 11


@dataclass(frozen=True)
class Issue:
    """One problem found in a source or an encode; becomes a TranscodingMessage."""

    level: Severity
    code: IssueCode
    message: str
    value: str | None = None

    @property
    def is_fatal(self) -> bool:
        return self.level is Severity.ERROR


class InputError(Exception):
    """The source itself is at fault (corrupt, unsupported, too large): never retried."""

    def __init__(self, issue: Issue):
        super().__init__(issue.message)
        self.issue = issue


class FinishError(RuntimeError):
    """A finisher could not assemble its output from the frames the encode left."""

    def __init__(self, message: str, code: IssueCode = IssueCode.UNDEFINED):
        super().__init__(message)
        self.code = code

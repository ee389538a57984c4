"""A source whose sound cannot be decoded is encoded again without it, and published silent.

Where it is noticed: a run that fails, which engine.diagnostics.undecodable_sound finds failed on
the sound alone. What follows, for a whole encode and a piece of a chunked one alike: the outputs
of the failed attempt are thrown away, the Warning is kept, and the same work is planned again
from the probe without its sound, so every output (HLS variants, the master's CODECS, MP4
fallbacks, the sound piece of a chunked encode) is made silent by the planner itself.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from media_platform.engine.diagnostics import undecodable_sound
from media_platform.engine.issues import Issue
from media_platform.engine.probe import SourceInfo
from media_platform.engine.runner import RunResult

Result = TypeVar("Result")


class SoundUndecodable(Exception):
    def __init__(self, issue: Issue):
        super().__init__(issue.message)
        self.issue = issue


def check_sound(result: RunResult, info: SourceInfo) -> None:
    """Raise SoundUndecodable when this failed run failed on the sound alone."""
    issue = undecodable_sound(result, info)
    if issue is not None:
        raise SoundUndecodable(issue)


def without_sound(info: SourceInfo) -> SourceInfo:
    return replace(info, audio=())


def silent_if_needed(
    attempt: Callable[[SourceInfo], Result], info: SourceInfo, outdir: Path, warn: Callable[[Issue], object]
) -> Result:
    """`attempt(info)`; when its sound cannot be decoded, `warn` and `attempt` again without it.
    What `warn` returns is ignored (a service that records the issue may return what it wrote)."""
    try:
        return attempt(info)
    except SoundUndecodable as exc:
        warn(exc.issue)
        shutil.rmtree(outdir, ignore_errors=True)
        outdir.mkdir(parents=True)
        return attempt(without_sound(info))

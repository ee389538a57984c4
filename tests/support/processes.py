"""Killing a process and everything it started, as a crashed host would."""

from __future__ import annotations

import os
import signal
from pathlib import Path


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def descendants(pid: int) -> list[int]:
    result, stack = [], [pid]
    while stack:
        for child in children(stack.pop()):
            result.append(child)
            stack.append(child)
    return result


def kill_tree(pid: int) -> list[int]:
    """SIGKILL `pid` and all its descendants (work horses, ffmpeg) at once; returns their pids."""
    victims = [pid, *descendants(pid)]
    for victim in victims:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return victims

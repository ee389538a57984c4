"""Killing a process and everything it started, as a crashed host would."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path


def _processes() -> Iterator[tuple[int, list[str]]]:
    """(pid, the fields of /proc/<pid>/stat after the command name: state, ppid, pgrp…) of each process."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            yield int(entry.name), (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue


def children(pid: int) -> list[int]:
    return [child for child, fields in _processes() if int(fields[1]) == pid]


def group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes of a process group, wherever their parent went: a child
    started with a session of its own leads one, and what it starts stays in it."""
    return [pid for pid, fields in _processes() if int(fields[2]) == pgid and fields[0] != "Z"]


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

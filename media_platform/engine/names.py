"""Output names from requests become paths under a job's folder and words in ffmpeg's tee and
HLS option syntax: only plain relative names are allowed."""

from __future__ import annotations

import posixpath
import re

# ':' '|' '[' ']' '=' '\'' and ',' have meanings inside tee/HLS options; control characters and
# backslashes have none we want.
FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\\:|\[\]=',;]")
MAX_LENGTH = 500


class UnsafeName(ValueError):
    pass


def name_problem(name: str) -> str | None:
    """Why `name` cannot be an output path, or None when it can."""
    if not isinstance(name, str) or not name.strip():
        return "must not be empty"
    if len(name) > MAX_LENGTH:
        return f"must be at most {MAX_LENGTH} characters"
    if FORBIDDEN.search(name):
        return "must not contain control characters, backslashes or any of : | [ ] = ' , ;"
    if name.startswith("/") and posixpath.normpath(name) == "/":
        return "must name a file, not the root"
    parts = [part for part in name.split("/") if part]
    if any(part == ".." for part in parts):
        return "must not contain '..'"
    return None


def safe_join(prefix: str, name: str) -> str:
    """prefix/name, both checked; leading slashes are dropped (names are relative to the job)."""
    for value, required in ((prefix, False), (name, True)):
        if (value or required) and (problem := name_problem(value)):
            raise UnsafeName(f"'{value}' {problem}")
    prefix, name = prefix.strip("/"), name.lstrip("/")
    return f"{prefix}/{name}" if prefix else name

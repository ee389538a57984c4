"""The confinement the rehearsal runs every role under: writes inside its folders go through, writes
anywhere else fail, reads stay free, and so for everything the command starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import confine

CONFINE = Path(confine.__file__)
pytestmark = pytest.mark.skipif(not confine.available(), reason="the kernel has no Landlock")


def confined(folder: Path, script: str) -> subprocess.CompletedProcess:
    command = [sys.executable, str(CONFINE), str(folder), "--", "sh", "-c", script]
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


def test_a_confined_command_writes_in_its_folder_only(tmp_path):
    inside, outside = tmp_path / "inside", tmp_path / "outside"
    inside.mkdir()
    outside.mkdir()

    result = confined(inside, f"echo a > {inside}/file && echo b > {outside}/file; cat /etc/hostname > /dev/null")

    assert (inside / "file").read_text() == "a\n"
    assert not (outside / "file").exists()
    assert "Permission denied" in result.stderr and result.returncode == 0  # the read and /dev/null went through


def test_what_it_starts_is_confined_too_and_cannot_remove_or_rename_outside(tmp_path):
    inside, outside = tmp_path / "inside", tmp_path / "outside"
    inside.mkdir()
    outside.mkdir()
    (outside / "kept").write_text("x")

    confined(inside, f"sh -c 'rm -f {outside}/kept; mv {outside}/kept {inside}/taken; mkdir {outside}/new'")

    assert (outside / "kept").read_text() == "x"
    assert sorted(path.name for path in outside.iterdir()) == ["kept"] and not (inside / "taken").exists()

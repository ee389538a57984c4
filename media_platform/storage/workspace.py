"""Scratch space for one run of one process on one worker; gone afterwards, whatever happens."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings


@contextmanager
def workspace(label: str) -> Iterator[Path]:
    root = Path(settings.WORK_DIR)
    root.mkdir(parents=True, exist_ok=True)
    # Left by an earlier run of the same work on this host that died (we hold the lease now).
    for stale in root.glob(f"{label}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    path = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=root))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)

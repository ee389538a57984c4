"""The platform's own plan for a source, run by hand: the baseline every benchmark compares to."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="media-platform-bench-settings-"))
    import django

    django.setup()


def bunny_plan(source: Path):
    """The invocations a bunny upload of `source` gets, exactly as a worker plans them."""
    django_setup()
    from media_platform.engine.plan import EncodeContext, plan_process
    from media_platform.engine.probe import probe_file
    from media_platform.models import EncodingProcess, Library, Video
    from media_platform.services.pipeline.recipes import bunny_video_jobs

    info = probe_file(str(source))
    process = EncodingProcess(library=Library(), video=Video(), recipe={"name": "bunny_video"})
    jobs = list(enumerate(bunny_video_jobs(process, info)))
    return plan_process(jobs, info, EncodeContext(input_path=str(source)))


def run_by_hand(invocations, workdir: Path, *, finish: bool = False) -> dict[str, float]:
    """Wall seconds of each invocation, run one after the other as a person would; with `finish`,
    also the steps that make the outputs whole (the master playlist, the storyboard sprite and
    the preview assembled from their frames), timed as "finish"."""
    timings = {}
    for number, invocation in enumerate(invocations):
        for folder in invocation.directories:
            (workdir / folder).mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        subprocess.run(
            list(invocation.argv), cwd=workdir, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        timings["main" if number == 0 else f"extra{number}"] = time.perf_counter() - started
    if finish:
        from media_platform.engine.finish import apply_finishers

        started = time.perf_counter()
        for invocation in invocations:
            apply_finishers(workdir, invocation.finishers, invocation.scratch)
        timings["finish"] = time.perf_counter() - started
    return timings

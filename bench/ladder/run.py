"""Upload → Finished through the real platform vs the same ffmpeg commands run by hand.

    .venv/bin/python bench/ladder/run.py [--seconds 60 ...]

Prints a table of ratios measured in this run and writes bench/results/ladder.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.engine import bunny_plan, run_by_hand  # noqa: E402
from bench.stack import ROOT, make_source, start_stack, table, write_results  # noqa: E402


def measure(seconds: int) -> dict:
    source = make_source(ROOT / "var" / "bench" / f"source-{seconds}s-1080p.mp4", seconds=seconds)
    with tempfile.TemporaryDirectory() as work:
        by_hand = run_by_hand(bunny_plan(source), Path(work))
    stack = start_stack(workers=1)
    try:
        guid = stack.create_video(f"bench {seconds}s")
        started = time.perf_counter()
        stack.upload(guid, source)
        uploaded = time.perf_counter()
        video = stack.wait_finished(guid)
        finished = time.perf_counter()
    finally:
        stack.stop()
    assert video["status"] == 4, video["transcodingMessages"]
    return {
        "seconds": seconds,
        "ffmpeg_main_s": round(by_hand["main"], 2),
        "ffmpeg_all_s": round(sum(by_hand.values()), 2),
        "upload_s": round(uploaded - started, 2),
        "platform_s": round(finished - started, 2),
        "ratio_vs_all": round((finished - started) / sum(by_hand.values()), 3),
        "ratio_vs_main": round((finished - started) / by_hand["main"], 3),
        "resolutions": video["availableResolutions"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, nargs="+", default=[60])
    args = parser.parse_args()
    results = [measure(seconds) for seconds in args.seconds]
    rows = [
        [r["seconds"], r["ffmpeg_main_s"], r["ffmpeg_all_s"], r["platform_s"], r["ratio_vs_all"], r["ratio_vs_main"]]
        for r in results
    ]
    print(table(rows, ["source s", "ffmpeg main s", "ffmpeg all s", "platform s", "platform/all", "platform/main"]))
    print(f"results: {write_results('ladder', {'runs': results})}")


if __name__ == "__main__":
    main()

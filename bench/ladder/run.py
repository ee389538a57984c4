"""Upload → Finished through the real platform vs the same work run by hand: the platform's own
ffmpeg commands, then the steps that make the same outputs whole (master playlist, storyboard
sprite, animated preview), one after the other on a local file.

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
        by_hand = run_by_hand(bunny_plan(source), Path(work), finish=True)
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
        "finish_s": round(by_hand["finish"], 2),
        "by_hand_s": round(sum(by_hand.values()), 2),
        "upload_s": round(uploaded - started, 2),
        "platform_s": round(finished - started, 2),
        "ratio_vs_by_hand": round((finished - started) / sum(by_hand.values()), 3),
        "ratio_vs_main": round((finished - started) / by_hand["main"], 3),
        "resolutions": video["availableResolutions"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, nargs="+", default=[60])
    args = parser.parse_args()
    results = [measure(seconds) for seconds in args.seconds]
    rows = [
        [r["seconds"], r["ffmpeg_main_s"], r["by_hand_s"], r["upload_s"], r["platform_s"], r["ratio_vs_by_hand"]]
        for r in results
    ]
    columns = ["source s", "ffmpeg main s", "by hand s", "upload s", "platform s", "platform/by hand"]
    print(table(rows, columns))
    print(f"results: {write_results('ladder', {'runs': results})}")


if __name__ == "__main__":
    main()

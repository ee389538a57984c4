"""Upload → Finished through the real platform vs the same work run by hand: the platform's own
ffmpeg commands, then the steps that make the same outputs whole (master playlist, storyboard
sprite, animated preview), one after the other on a local file.

    .venv/bin/python bench/ladder/run.py [--seconds 60 ...] [--repeat 1]

Prints a table of ratios measured in this run and writes bench/results/ladder.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.engine import bunny_plan, run_by_hand  # noqa: E402
from bench.stack import ROOT, make_source, start_stack, table, write_results  # noqa: E402


def by_hand_once(source: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as work:
        return run_by_hand(bunny_plan(source), Path(work), finish=True)


def platform_once(seconds: int, source: Path) -> tuple[float, float, dict]:
    """(upload seconds, upload → Finished seconds, the video) on a fresh platform."""
    stack = start_stack(workers=1)
    try:
        upload_s, platform_s, video = stack.upload_to_finished(source, f"bench {seconds}s")
    finally:
        stack.stop()
    assert video["status"] == 4, video["transcodingMessages"]
    return upload_s, platform_s, video


def measure(seconds: int, repeat: int) -> dict:
    """Both sides `repeat` times, taking turns; each side's best run counts (on a shared machine
    noise only ever adds time), and every run is kept in the results."""
    source = make_source(ROOT / "var" / "bench" / f"source-{seconds}s-1080p.mp4", seconds=seconds)
    hands, platforms = [], []
    for _ in range(repeat):
        hands.append(by_hand_once(source))
        platforms.append(platform_once(seconds, source))
    by_hand = min(hands, key=lambda timings: sum(timings.values()))
    upload_s, platform_s, video = min(platforms, key=lambda run: run[1])
    return {
        "seconds": seconds,
        "repeat": repeat,
        "ffmpeg_main_s": round(by_hand["main"], 2),
        "finish_s": round(by_hand["finish"], 2),
        "by_hand_s": round(sum(by_hand.values()), 2),
        "upload_s": round(upload_s, 2),
        "platform_s": round(platform_s, 2),
        "ratio_vs_by_hand": round(platform_s / sum(by_hand.values()), 3),
        "ratio_vs_main": round(platform_s / by_hand["main"], 3),
        "every_by_hand_s": [round(sum(timings.values()), 2) for timings in hands],
        "every_platform_s": [round(run[1], 2) for run in platforms],
        "resolutions": video["availableResolutions"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, nargs="+", default=[60])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side; the best of each counts")
    args = parser.parse_args()
    results = [measure(seconds, args.repeat) for seconds in args.seconds]
    rows = [
        [
            r["seconds"],
            r["ffmpeg_main_s"],
            r["by_hand_s"],
            r["upload_s"],
            r["platform_s"],
            r["ratio_vs_by_hand"],
            " ".join(f"{p / h:.3f}" for h, p in zip(r["every_by_hand_s"], r["every_platform_s"], strict=True)),
        ]
        for r in results
    ]
    columns = ["source s", "ffmpeg main s", "by hand s", "upload s", "platform s", "platform/by hand", "each turn"]
    print(table(rows, columns))
    print(f"results: {write_results('ladder', {'runs': results})}")


if __name__ == "__main__":
    main()

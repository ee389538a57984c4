"""Time to play: seconds from an upload's last byte to a video that plays, with JIT on, with fast
start alone, and today (neither: the whole ladder first), each on a fresh platform in this run.

    .venv/bin/python bench/time_to_play/run.py                       # every case, every mode
    .venv/bin/python bench/time_to_play/run.py --cases h264-30s --size 640x360 --rendition 360p \
        --first-byte-samples 3                                       # a quick proof that it works
    .venv/bin/python bench/time_to_play/run.py --today-for 30s --finished-for 30s
                                                                     # ~1 h: long ladders not waited for

"Plays" is strict: the master, the first media playlist it lists and that playlist's first segment
fetched whole, the segment decoded by ffmpeg. Also: seconds until Finished (30 s and 10 min
cases), the first byte of cold JIT segments at 720p while the ladder runs (p95), the ladder's time
to Finished with JIT on over today's, and (--nice-check) what the workers' nice costs the ladder
on an idle machine. Prints ratios against today's figures and writes bench/results/time_to_play.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.stack import start_stack, table, write_results  # noqa: E402
from bench.time_to_play.player import first_byte, wait_playable  # noqa: E402
from bench.time_to_play.sources import LENGTHS, source  # noqa: E402

CASES = ["h264-30s", "h264-10min", "h264-60min", "mpeg2-30s", "mpeg2-10min"]
MODES = {  # name → (environment, upload query)
    "today": ({"FAST_START": "0"}, ""),
    "fast start": ({"FAST_START": "1"}, ""),
    "jit": ({"FAST_START": "1"}, "?jitEnabled=true"),
}
LONG_ENOUGH = ["30s", "10min"]  # an hour of ladder is hours here
SEGMENT = 4.0


def wait_finished(stack, guid: str, since: float, timeout: float) -> float:
    deadline = since + timeout
    while time.perf_counter() < deadline:
        if stack.video(guid)["status"] in (4, 5):
            return time.perf_counter() - since
        time.sleep(0.5)
    return float("inf")


def cold_first_bytes(stack, guid: str, duration: float, args, prefetch: int) -> list[float]:
    """First byte of segments nobody asked for yet, spaced past each other's prefetch. After each,
    the viewer watches on through the prefetched segments (not timed), as a player would: so the
    next sample finds the video's JIT slots free, as a viewer who seeks does."""
    count = int(duration // SEGMENT) + 1
    numbers = list(range(prefetch + 3, count, prefetch + 2))[: args.first_byte_samples]
    timings = []
    for number in numbers:
        name = f"{args.rendition}/video{number}.ts"
        seconds, status = first_byte(stack.base, guid, name)
        if status != 200:
            raise RuntimeError(f"{name} answered {status}")
        timings.append(seconds)
        for following in range(number + 1, min(number + 1 + prefetch, count)):
            first_byte(stack.base, guid, f"{args.rendition}/video{following}.ts")
    return timings


def run_case(
    case: str, mode: str, args, *, first_bytes: bool = False, finish: bool = False, env: dict | None = None
) -> dict:
    """One upload on a fresh platform. With `first_bytes`, cold JIT segments are sampled while
    the ladder runs, and that run's Finished is not measured (the views took CPU from it)."""
    codec, length = case.split("-")
    path = source(codec, length, args.size)
    environment, query = MODES[mode]
    stack = start_stack(workers=1, extra_env={**environment, **(env or {})})
    try:
        guid = stack.create_video(f"{case} {mode}")
        last_byte = stack.upload(guid, path, query)
        play_s, rendition = wait_playable(stack.base, guid, last_byte, args.timeout)
        row = {"case": case, "mode": mode + (" + views" if first_bytes else ""), "playable_s": round(play_s, 2)}
        row["played"] = rendition
        if first_bytes:
            prefetch = int(stack.env.get("JIT_PREFETCH_SEGMENTS", 2))
            timings = cold_first_bytes(stack, guid, LENGTHS[length], args, prefetch)
            row["first_bytes_s"] = [round(seconds, 3) for seconds in timings]
        elif finish or length in args.finished_for:
            row["finished_s"] = round(wait_finished(stack, guid, last_byte, args.timeout), 1)
        return row
    finally:
        stack.stop()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def ratio(value: float | None, baseline: float | None) -> float | None:
    return value / baseline if value and baseline and baseline != float("inf") else None


def summarise(rows: list[dict]) -> list[list]:
    by = {(r["case"], r["mode"]): r for r in rows}
    lines = []
    for case in dict.fromkeys(r["case"] for r in rows):
        today = by.get((case, "today"), {})
        for mode in [*MODES, "jit + views"]:
            row = by.get((case, mode))
            if row is None:
                continue
            play_ratio = ratio(row.get("playable_s"), today.get("playable_s"))
            fin_ratio = ratio(row.get("finished_s"), today.get("finished_s"))
            bytes_ = row.get("first_bytes_s")
            lines.append([
                case, mode, row["playable_s"], row["played"] or "—", f"{play_ratio:.3f}" if play_ratio else "—",
                row.get("finished_s", "—"), f"{fin_ratio:.3f}" if fin_ratio else "—",
                f"{p95(bytes_):.2f} ({len(bytes_)})" if bytes_ else "—",
            ])  # fmt: skip
    return lines


def nice_check(args) -> dict:
    """The ladder alone (today's mode) with the workers' ffmpeg nice and without, taking turns."""
    turns = {"nice 10": [], "nice 0": []}
    for _ in range(args.repeat):
        for label, value in (("nice 10", "10"), ("nice 0", "0")):
            row = run_case("h264-30s", "today", args, finish=True, env={"WORKER_FFMPEG_NICE": value})
            turns[label].append(row["finished_s"])
    best = {label: min(values) for label, values in turns.items()}
    return {"turns": turns, "best": best, "ratio": round(best["nice 10"] / best["nice 0"], 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="+", default=CASES, choices=CASES)
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=list(MODES))
    lengths = list(dict.fromkeys(case.split("-")[1] for case in CASES))
    parser.add_argument(
        "--today-for",
        nargs="*",
        default=LONG_ENOUGH,
        choices=lengths,
        help="lengths measured in today's mode (it waits for the whole ladder)",
    )
    parser.add_argument(
        "--finished-for",
        nargs="*",
        default=LONG_ENOUGH,
        choices=lengths,
        help="lengths whose time to Finished is measured (JIT and fast start)",
    )
    parser.add_argument("--first-byte-samples", type=int, default=20, help="cold JIT segments sampled")
    parser.add_argument("--rendition", default="720p", help="the rendition whose first bytes are sampled")
    parser.add_argument("--size", default="1920x1080", help="the sources' picture size")
    parser.add_argument("--timeout", type=float, default=6 * 3600)
    parser.add_argument("--nice-check", action="store_true", help="the workers' nice against none, on an idle machine")
    parser.add_argument("--repeat", type=int, default=2, help="turns of the nice check")
    args = parser.parse_args()
    rows = []
    sampled = "h264-10min" if "h264-10min" in args.cases else next((c for c in args.cases if "h264" in c), None)
    for case in args.cases:
        for mode in args.modes:
            if mode == "today" and case.split("-")[1] not in args.today_for:
                continue
            rows.append(run_case(case, mode, args))
            print(rows[-1], flush=True)
            if mode == "jit" and case == sampled and args.first_byte_samples:
                rows.append(run_case(case, mode, args, first_bytes=True))
                print(rows[-1], flush=True)
    columns = ["case", "mode", "playable s", "played", "vs today", "Finished s", "vs today", "first byte p95 s (n)"]
    print(table(summarise(rows), columns))
    result: dict = {"runs": rows}
    if args.nice_check:
        result["nice_check"] = nice_check(args)
        print(f"ladder with the workers' nice / without: {result['nice_check']}")
    print(f"results: {write_results('time_to_play', result)}")


if __name__ == "__main__":
    main()

"""Chunked encoding across workers: one worker pinned to one core vs two workers pinned to two
cores (taskset), on a long 1080p source; the outputs must match in duration and frame count.

    .venv/bin/python bench/chunks/run.py [--seconds 180] [--chunk-seconds 30]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.stack import ROOT, make_source, start_stack, table, write_results  # noqa: E402


def frames_and_duration(stack, guid: str, rendition: str) -> tuple[int, float]:
    playlist = f"{stack.base}/{guid}/{rendition}/video.m3u8"
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-protocol_whitelist", "http,tcp,file", "-select_streams", "v:0", "-count_packets",
         "-show_entries", "stream=nb_read_packets:format=duration", "-of", "json", playlist],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    data = json.loads(out)
    return int(data["streams"][0]["nb_read_packets"]), round(float(data["format"]["duration"]), 2)


def encode(source: Path, cpus: list[str], chunk_seconds: int) -> dict:
    env = {"CHUNK_MIN_DURATION": "60", "CHUNK_SECONDS": str(chunk_seconds), "ENCODER_PRESET": "veryfast"}
    stack = start_stack(workers=len(cpus), worker_cpus=cpus, extra_env=env)
    try:
        guid = stack.create_video(f"chunks on {len(cpus)} core(s)")
        stack.upload(guid, source)
        started = time.perf_counter()
        video = stack.wait_finished(guid)
        elapsed = time.perf_counter() - started
        assert video["status"] == 4, video["transcodingMessages"]
        top = video["availableResolutions"].split(",")[-1]
        frames, duration = frames_and_duration(stack, guid, top)
    finally:
        stack.stop()
    return {"workers": len(cpus), "seconds": round(elapsed, 2), "frames": frames, "duration": duration, "top": top}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--chunk-seconds", type=int, default=30)
    args = parser.parse_args()
    source = make_source(ROOT / "var" / "bench" / f"source-{args.seconds}s-1080p.mp4", seconds=args.seconds)
    one = encode(source, ["0"], args.chunk_seconds)
    two = encode(source, ["0", "1"], args.chunk_seconds)
    speedup = round(one["seconds"] / two["seconds"], 3)
    rows = [[r["workers"], r["seconds"], r["frames"], r["duration"]] for r in (one, two)]
    print(table(rows, ["workers (1 core each)", "upload→Finished s", f"frames ({one['top']})", "duration s"]))
    equal = one["frames"] == two["frames"] and one["duration"] == two["duration"]
    print(f"speed-up with two workers: {speedup}x; outputs equal in frames and duration: {equal}")
    print(f"results: {write_results('chunks', {'one_worker': one, 'two_workers': two, 'speedup': speedup})}")


if __name__ == "__main__":
    main()

"""A big upload through bunny's PUT: peak memory of the web process and throughput vs `cp`.

.venv/bin/python bench/upload/run.py [--gigabytes 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.stack import ROOT, start_stack, table, write_results  # noqa: E402


def make_file(path: Path, gigabytes: float) -> Path:
    size = int(gigabytes * 1024**3)
    if path.exists() and path.stat().st_size == size:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    block = os.urandom(8 * 1024**2)
    with open(path, "wb") as handle:
        for _ in range(size // len(block)):
            handle.write(block)
        handle.write(block[: size % len(block)])
    return path


def peak_rss_mb(pid: int) -> float:
    """The highest resident set any gunicorn process of the stack reached (VmHWM)."""
    peaks = []
    for proc in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{proc}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except OSError:
            pass
    return max(peaks)


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gigabytes", type=float, default=2.0)
    args = parser.parse_args()
    source = make_file(ROOT / "var" / "bench" / f"upload-{args.gigabytes:g}GB.bin", args.gigabytes)
    with tempfile.TemporaryDirectory(dir=ROOT / "var") as scratch:
        started = time.perf_counter()
        shutil.copyfile(source, Path(scratch) / "copy.bin")
        os.sync()
        copy_s = time.perf_counter() - started
    stack = start_stack(workers=0, extra_env={"MAX_UPLOAD_BYTES": str(100 * 1024**3)})
    try:
        gunicorn = next(p for p in stack.children if "gunicorn" in " ".join(map(str, p.args)))
        guid = stack.create_video("big upload")
        started = time.perf_counter()
        stack.upload(guid, source)
        os.sync()
        upload_s = time.perf_counter() - started
        peak = peak_rss_mb(gunicorn.pid)
        video = requests.get(
            f"{stack.base}/library/{stack.library['id']}/videos/{guid}", headers=stack.headers, timeout=30
        ).json()
    finally:
        stack.stop()
    assert video["storageSize"] == source.stat().st_size
    size_mb = source.stat().st_size / 1024**2
    rows = [
        [
            f"{args.gigabytes:g} GB",
            round(peak, 1),
            round(size_mb / upload_s),
            round(size_mb / copy_s),
            round(copy_s / upload_s, 3),
        ]
    ]
    print(table(rows, ["file", "peak web RSS MB", "upload MB/s", "cp MB/s", "upload/cp throughput"]))
    result = {
        "bytes": source.stat().st_size,
        "peak_rss_mb": round(peak, 1),
        "upload_s": round(upload_s, 2),
        "cp_s": round(copy_s, 2),
        "throughput_ratio": round(copy_s / upload_s, 3),
    }
    print(f"results: {write_results('upload', result)}")


if __name__ == "__main__":
    main()

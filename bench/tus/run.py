"""A big resumable upload through bunny's TUS endpoint (tuspy, 50 MB PATCHes): peak memory of
the web processes, and throughput against `cp` of the same file on the same disk.

.venv/bin/python bench/tus/run.py [--gigabytes 2] [--chunk-mb 50]

Two times are measured from the creating POST: until the last PATCH is answered (every byte
is in storage), and until the worker has made it the video's original (hashed and moved
into place) — the moment a PUT of the same file would have returned.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tusclient.client import TusClient  # noqa: E402

from bench.stack import ROOT, start_stack, table, write_results  # noqa: E402
from bench.upload.run import make_file, peak_rss_mb  # noqa: E402
from tests.support.tus import presigned_headers  # noqa: E402


def copy_seconds(source: Path) -> float:
    with tempfile.TemporaryDirectory(dir=ROOT / "var") as scratch:
        started = time.perf_counter()
        shutil.copyfile(source, Path(scratch) / "copy.bin")
        os.sync()
        return time.perf_counter() - started


def wait_stored(stack, guid: str, size: int, timeout: float = 3600) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        video = stack.video(guid)
        if video["storageSize"] == size and video["originalHash"]:
            return
        time.sleep(0.2)
    raise TimeoutError(f"{guid} was not stored")


def upload(stack, source: Path, chunk: int) -> tuple[float, float]:
    guid = stack.create_video("big tus upload")
    headers = presigned_headers(stack.library["id"], stack.library["apiKey"], guid, expire=int(time.time()) + 86400)
    client = TusClient(f"{stack.base}/tusupload", headers=headers)
    started = time.perf_counter()
    client.uploader(str(source), chunk_size=chunk, metadata={"filetype": "application/octet-stream"}).upload()
    os.sync()
    received = time.perf_counter() - started
    wait_stored(stack, guid, source.stat().st_size)
    return received, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gigabytes", type=float, default=2.0)
    parser.add_argument("--chunk-mb", type=float, default=50.0)
    args = parser.parse_args()
    source = make_file(ROOT / "var" / "bench" / f"upload-{args.gigabytes:g}GB.bin", args.gigabytes)
    copy_s = copy_seconds(source)
    stack = start_stack(workers=1, extra_env={"MAX_UPLOAD_BYTES": str(100 * 1024**3)})
    try:
        gunicorn = next(p for p in stack.children if "gunicorn" in " ".join(map(str, p.args)))
        received_s, stored_s = upload(stack, source, int(args.chunk_mb * 1000**2))
        peak = peak_rss_mb(gunicorn.pid)
    finally:
        stack.stop()
    size_mb = source.stat().st_size / 1024**2
    row = [f"{args.gigabytes:g} GB in {args.chunk_mb:g} MB PATCHes", round(peak, 1), round(size_mb / copy_s)]
    for seconds in (received_s, stored_s):
        row += [round(size_mb / seconds), round(copy_s / seconds, 3)]
    headers = ["upload", "peak web RSS MB", "cp MB/s", "received MB/s", "received/cp", "stored MB/s", "stored/cp"]
    print(table([row], headers))
    result = {
        "bytes": source.stat().st_size,
        "chunk_bytes": int(args.chunk_mb * 1000**2),
        "peak_rss_mb": round(peak, 1),
        "cp_s": round(copy_s, 2),
        "received_s": round(received_s, 2),
        "stored_s": round(stored_s, 2),
        "received_throughput_ratio": round(copy_s / received_s, 3),
        "stored_throughput_ratio": round(copy_s / stored_s, 3),
    }
    print(f"results: {write_results('tus', result)}")


if __name__ == "__main__":
    main()

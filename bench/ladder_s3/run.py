"""The ladder on S3 storage vs the same on local storage, same run: upload → Finished through the
real platform, once with everything in an S3 server (moto in server mode, on this machine) and
once on local files, taking turns; each side's best run counts.

    .venv/bin/python bench/ladder_s3/run.py [--seconds 30 ...] [--repeat 2]

On S3 the source goes up to the bucket through the web process, the worker fetches it back, and
every output (segments of five renditions, MP4 fallbacks, images) goes up in parallel, playlists
last. Besides the ratio, each run's phases are printed from the process's own timestamps:
fetching the source (claim → probed), encoding, publishing (upload start → Finished).
Target: S3 / local ≤ 1.10. Writes bench/results/ladder_s3.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.stack import ROOT, make_source, start_stack, table, write_results  # noqa: E402
from tests.support.s3 import KEY, REGION, SECRET, start_s3  # noqa: E402

TARGET = 1.10

PHASES = """
import json
from media_platform.models import EncodingJob, EncodingProcess
from media_platform.storage import list_files
process = EncodingProcess.objects.filter(video__guid="{guid}").order_by("-id").first()
upload = min(job.started_upload_at for job in EncodingJob.objects.filter(process=process))
print(json.dumps({{
    "fetch_s": (process.download_finished_at - process.started_at).total_seconds(),
    "encode_s": (upload - process.download_finished_at).total_seconds(),
    "publish_s": (process.finished_at - upload).total_seconds(),
    "files": len(list_files(process.video.outputs_prefix)),
}}))
"""


def run_once(source: Path, seconds: int, s3=None) -> dict:
    """One upload → Finished on a fresh platform; on a fresh bucket of `s3` when given."""
    env = {}
    if s3 is not None:
        env = {"AWS_STORAGE_BUCKET_NAME": s3.bucket(), "S3_ENDPOINT_URL": s3.endpoint, "AWS_ACCESS_KEY_ID": KEY,
               "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_S3_REGION_NAME": REGION}  # fmt: skip
    stack = start_stack(workers=1, extra_env=env)
    try:
        upload_s, total_s, video = stack.upload_to_finished(source, f"ladder {seconds}s")
        assert video["status"] == 4, video["transcodingMessages"]
        phases = json.loads(stack.manage("shell", "-c", PHASES.format(guid=video["guid"])).strip().splitlines()[-1])
    finally:
        stack.stop()
    return {"upload_s": round(upload_s, 2), "total_s": round(total_s, 2)} | {
        name: round(value, 2) if isinstance(value, float) else value for name, value in phases.items()
    }


def measure(seconds: int, repeat: int, s3) -> dict:
    source = make_source(ROOT / "var" / "bench" / f"source-{seconds}s-1080p.mp4", seconds=seconds)
    local, remote = [], []
    for _ in range(repeat):
        local.append(run_once(source, seconds))
        remote.append(run_once(source, seconds, s3))
    best_local = min(local, key=lambda run: run["total_s"])
    best_s3 = min(remote, key=lambda run: run["total_s"])
    return {
        "seconds": seconds,
        "source_mb": round(source.stat().st_size / 1024**2, 1),
        "repeat": repeat,
        "local": best_local,
        "s3": best_s3,
        "ratio": round(best_s3["total_s"] / best_local["total_s"], 3),
        "every_local_s": [run["total_s"] for run in local],
        "every_s3_s": [run["total_s"] for run in remote],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, nargs="+", default=[30])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each side, taking turns; the best counts")
    args = parser.parse_args()
    s3 = start_s3()
    try:
        results = [measure(seconds, args.repeat, s3) for seconds in args.seconds]
    finally:
        s3.stop()
    rows = []
    for r in results:
        for side in ("local", "s3"):
            run = r[side]
            rows.append([r["seconds"], side, run["upload_s"], run["fetch_s"], run["encode_s"], run["publish_s"],
                         run["files"], run["total_s"], r["ratio"] if side == "s3" else ""])  # fmt: skip
    columns = ["source s", "storage", "upload s", "fetch s", "encode s", "publish s", "files", "total s", "s3/local"]
    print(table(rows, columns))
    for r in results:
        verdict = "met" if r["ratio"] <= TARGET else "NOT met"
        print(f"{r['seconds']} s source ({r['source_mb']} MB): S3 / local = {r['ratio']}, target ≤ {TARGET}: {verdict}")
    print(f"results: {write_results('ladder_s3', {'runs': results, 'target': TARGET})}")


if __name__ == "__main__":
    main()

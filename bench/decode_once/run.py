"""One ffmpeg process for the whole ladder vs one process per rendition (each decoding the source).

    .venv/bin/python bench/decode_once/run.py [--seconds 30]

Both sides use the same renditions and encoder settings, from the platform's own planner.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.engine import run_by_hand  # noqa: E402
from bench.stack import ROOT, make_source, table, write_results  # noqa: E402
from media_platform.engine.ladder import build_ladder  # noqa: E402
from media_platform.engine.plan import EncodeContext, plan_process  # noqa: E402
from media_platform.engine.probe import probe_file  # noqa: E402
from media_platform.engine.spec import HlsJob  # noqa: E402


def timed(jobs, info, source: Path) -> float:
    invocations = plan_process(list(enumerate(jobs)), info, EncodeContext(input_path=str(source)))
    with tempfile.TemporaryDirectory() as work:
        started = time.perf_counter()
        run_by_hand(invocations, Path(work))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rungs", default="360p,480p,720p,1080p")
    args = parser.parse_args()
    source = make_source(ROOT / "var" / "bench" / f"source-{args.seconds}s-1080p.mp4", seconds=args.seconds)
    info = probe_file(str(source))
    ladder = build_ladder(info.video, args.rungs.split(","))
    together = timed([HlsJob(renditions=tuple(ladder))], info, source)
    apart = sum(timed([HlsJob(renditions=(r,), prefix=r.name)], info, source) for r in ladder)
    ratio = round(together / apart, 3)
    headers = ["renditions", "source s", "one process s", "one per rendition s", "ratio"]
    print(table([[len(ladder), args.seconds, round(together, 2), round(apart, 2), ratio]], headers))
    summary = {
        "renditions": [r.name for r in ladder],
        "seconds": args.seconds,
        "single_process_s": round(together, 2),
        "per_rendition_s": round(apart, 2),
        "ratio": ratio,
    }
    print(f"results: {write_results('decode_once', summary)}")


if __name__ == "__main__":
    main()

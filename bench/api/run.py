"""The bunny API under load: 10,000 videos, list (100 per page) and get, on PostgreSQL (a
throwaway server, tests/support/postgres.py) or SQLite, gunicorn as production runs it.

    .venv/bin/python bench/api/run.py [--videos 10000] [--seconds 10] [--connections 16 2]
                                      [--database postgres|sqlite] [--turns 1]
                                      [--web-workers N] [--threads N] [--worker-class gthread|sync]

Uses `wrk` (Debian package) as the load generator on loopback; prints requests/s, p50 and p99
latency, and the number of database queries each request makes, for each number of concurrent
connections, each after three seconds of the same load that are not counted. Each turn runs the
list twice, on stacks of their own: rendering every page (this machine's baseline, now) and with
kept pages, as configured by default.

gunicorn runs with gunicorn.conf.py's settings, as the production command (compose.yaml, the
Dockerfile, `make up`) does: gthread workers, a process per core, eight threads each; the options
say otherwise for an experiment. The targets are judged at 16 connections with kept pages: at
least twice the 152 requests/s measured before (SQLite, sync workers), with p99 under 50 ms. At 16
connections on two cores the latency is mostly waiting in line: about connections ÷ requests/s.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.stack import start_stack, table, write_results  # noqa: E402
from tests.support.postgres import start_postgres  # noqa: E402

TARGET_MS = 50.0
WARM_UP_S = 3
BASELINE_RPS = 152.0  # list 100, 16 connections: SQLite, sync workers, before the kept pages

POPULATE = """
from media_platform.models import Library, Video, Collection
library = Library.objects.get(pk={library})
collection = Collection.objects.create(library=library, name="bench")
Video.objects.bulk_create(
    [Video(library=library, collection=collection if i % 3 == 0 else None, title=f"video {{i}}", status=4, length=60,
           width=1920, height=1080, framerate=30, available_resolutions="240p,360p,480p,720p,1080p")
     for i in range({count})],
    batch_size=2000,
)
# As autovacuum (PostgreSQL) would soon after a bulk load, so the planner knows the table's size:
# without statistics it takes 10,000 rows for 3 and sorts them all for every page.
from django.db import connection
connection.cursor().execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
print(Video.objects.filter(library=library).order_by("-id").values_list("guid", flat=True).first())
"""

COUNT_QUERIES = """
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_ACCESSKEY="{key}", HTTP_HOST="localhost")
counts = {{}}
for name, url in {urls}.items():
    for turn in ("first", "again"):  # the second list request is served from the kept page
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[name] = counts.get(name, "") + ("" if turn == "first" else ", then ") + str(len(captured))
import json; print(json.dumps(counts))
"""


def wrk(url: str, key: str, seconds: int, connections: int) -> dict:
    # A server in service is warm: a fresh one opens a database connection per thread and imports
    # what its first requests need. Three seconds of the same load first, not counted.
    subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{WARM_UP_S}s", "-H", f"AccessKey: {key}", url],
        capture_output=True, check=True,
    )  # fmt: skip
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"AccessKey: {key}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": percentiles.get("50"),
        "p99": percentiles.get("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def milliseconds(value: str) -> float:
    """wrk's latency ("870.00us", "29.37ms", "1.20s") in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--videos", type=int, default=10000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 2])
    parser.add_argument("--database", default="postgres", choices=["postgres", "sqlite"])
    parser.add_argument("--turns", type=int, default=1, help="runs of the whole measurement, one after another")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], help="default: gunicorn.conf.py's")
    parser.add_argument("--web-workers", type=int, help="gunicorn worker processes (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, help="threads per gthread worker (default: gunicorn.conf.py's)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk (make bench installs it)")
    postgres = start_postgres() if args.database == "postgres" else None
    env = {"DATABASE_CONN_MAX_AGE": "600", **({"DATABASE_URL": postgres.url} if postgres else {})}
    results = []
    try:
        for turn in range(1, args.turns + 1):
            # the same run without kept pages first: the baseline of this machine, now
            rendered = measure(args, {**env, "BUNNY_LIST_CACHE_PAGES": "0"})
            results += [r | {"turn": turn, "pages": "rendered"} for r in rendered]
            results += [r | {"turn": turn, "pages": "kept"} for r in measure(args, env)]
    finally:
        if postgres is not None:
            postgres.stop()
    report(args, results)


def measure(args, env: dict) -> list[dict]:
    stack = start_stack(
        workers=0,
        web_workers=args.web_workers,
        web_threads=args.threads,
        web_worker_class=args.worker_class,
        extra_env=env,
    )
    try:
        library, key = stack.library["id"], stack.library["apiKey"]
        guid = stack.manage("shell", "-c", POPULATE.format(library=library, count=args.videos)).strip().splitlines()[-1]
        urls = {
            "list 100": f"/library/{library}/videos?page=3&itemsPerPage=100",
            "get": f"/library/{library}/videos/{guid}",
        }
        counts = json.loads(
            stack.manage("shell", "-c", COUNT_QUERIES.format(key=key, urls=urls)).strip().splitlines()[-1]
        )
        results = [
            {"endpoint": name, "connections": connections, "queries": counts[name]}
            | wrk(stack.base + url, key, args.seconds, connections)
            for connections in args.connections
            for name, url in urls.items()
        ]
        processes = web_processes(stack)
    finally:
        stack.stop()
    return [r | {"web_processes": processes} for r in results]


def web_processes(stack) -> int:
    """How many worker processes the gunicorn master runs (its children)."""
    master = next(child.pid for child in stack.children if "gunicorn" in child.args)
    parents = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents.append(int(stat.read_text().rsplit(")", 1)[1].split()[1]))
        except (OSError, IndexError, ValueError):  # gone meanwhile
            continue
    return parents.count(master)


def report(args, results: list[dict]) -> None:
    columns = ("turn", "pages", "endpoint", "connections", "rps", "p50", "p99", "queries", "non_2xx")
    rows = [[r[column] for column in columns] for r in results]
    print(table(rows, ["turn", "list pages", "endpoint", "connections", "requests/s", "p50", "p99",
                       "queries/request", "non-2xx"]))  # fmt: skip
    processes = results[0]["web_processes"]
    told = args.web_workers or args.threads or args.worker_class
    server = (f"{args.web_workers or processes} {args.worker_class or 'gthread'} workers × {args.threads or 8} threads"
              f"{'' if told else ' (gunicorn.conf.py)'}")  # fmt: skip
    for turn in range(1, args.turns + 1):
        judged = {r["pages"]: r for r in results
                  if r["turn"] == turn and r["endpoint"] == "list 100" and r["connections"] == 16}  # fmt: skip
        if "kept" not in judged:
            continue
        p99, rps = milliseconds(judged["kept"]["p99"]), judged["kept"]["rps"]
        met = p99 < TARGET_MS and rps >= 2 * BASELINE_RPS
        print(f"turn {turn}: list 100, 16 connections, {args.database}, {server}: {rps:.0f} req/s "
              f"= {rps / judged['rendered']['rps']:.2f} × rendered each time in this turn "
              f"(target ≥ {2 * BASELINE_RPS:.0f}, twice the {BASELINE_RPS:.0f} of before), "
              f"p99 {p99:.1f} ms (target < {TARGET_MS:g}): {'met' if met else 'NOT met'}")  # fmt: skip
    summary = {"videos": args.videos, "database": args.database, "server": server, "runs": results}
    print(f"results: {write_results('api', summary)}")


if __name__ == "__main__":
    main()

"""gunicorn's settings wherever the web server starts from this folder (run_platform for `make up`,
the Dockerfile's command, compose.yaml, the benches): gunicorn reads ./gunicorn.conf.py by itself,
and options given on its command line still win.

- The shape of the server: gthread workers, one process per core, eight threads each.
- The access log goes to stdout, one line per request; with LOG_FORMAT=json it and gunicorn's own
  log are JSON lines like the rest of the platform's.
- Prometheus: each worker process counts its requests into files of one folder, and /metrics,
  whichever worker answers it, sums them all (prometheus_client's multiprocess mode).
"""

import os
import shutil
import tempfile

# The production shape. Python runs one thread at a time in a process, so a process per core that
# this host gives the server (WEB_CONCURRENCY says otherwise), each with eight threads for what
# waits: uploads, S3, JIT encodes. More processes than cores only queue behind each other: on two
# cores, four processes gave the API's p99 at 16 connections 59 ms, two 26–31 ms
# (bench/api/run.py). An hour a request: uploads of big files take their time.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or len(os.sched_getaffinity(0)))
threads = 8
timeout = 3600

accesslog = "-"
if os.environ.get("LOG_FORMAT", "").lower() == "json":
    logger_class = "media_platform.observability.logs.GunicornLogger"

# Set here, in the master, so that every worker it forks inherits it before importing prometheus_client.
_metrics_dir_ours = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _metrics_dir_ours:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="media-platform-metrics-")


def on_starting(server):
    """Counts left by an earlier run in an operator's folder are not this run's."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(folder, exist_ok=True)
    for entry in os.scandir(folder):
        if entry.name.endswith(".db"):
            os.unlink(entry.path)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _metrics_dir_ours:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)

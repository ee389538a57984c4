"""gunicorn's settings wherever the web server starts from this folder (run_platform for `make up`,
the Dockerfile's command, compose.yaml, the benches): gunicorn reads ./gunicorn.conf.py by itself,
and options given on its command line still win.

- The access log goes to stdout, one line per request; with LOG_FORMAT=json it and gunicorn's own
  log are JSON lines like the rest of the platform's.
- Prometheus: each worker process counts its requests into files of one folder, and /metrics,
  whichever worker answers it, sums them all (prometheus_client's multiprocess mode).
"""

import os
import shutil
import tempfile

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

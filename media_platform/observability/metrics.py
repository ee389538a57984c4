"""Prometheus metrics, cheap to scrape: no database query, a few Redis reads.

- Requests (count and latency by view) are counted in each web process; under gunicorn they are
  summed over its workers (prometheus_client's multiprocess mode, set up by gunicorn.conf.py).
- Queue depths, RQ jobs by state and workers: django-rq's own collector, read from Redis.
- Encode seconds and realtime factor by rendition, and webhook failures: recorded by the workers
  (on any host) into one Redis hash when a process completes or a delivery fails, and read back
  here as histograms and counters.
"""

from __future__ import annotations

import logging
import os

import django_rq
from django_rq.contrib.prometheus import RQCollector
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

PROCESS = CollectorRegistry(auto_describe=True)  # what this process counts itself
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
REQUESTS = Counter(
    "media_platform_http_requests", "HTTP requests answered", ["method", "view", "status"], registry=PROCESS
)
LATENCY = Histogram(
    "media_platform_http_request_duration_seconds",
    "Time to answer an HTTP request (to the first byte of a streamed body)",
    ["method", "view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=PROCESS,
)

REDIS_KEY = "media-platform:metrics"
ENCODE_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600)
SPEED_BUCKETS = (0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 32)


def observe_request(method: str, view: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"  # a client's made-up verbs must not add series
    REQUESTS.labels(method, view, str(status)).inc()
    LATENCY.labels(method, view).observe(seconds)


# --- what workers record in Redis ----------------------------------------------------------
def _observe(pipe, name: str, label: str, value: float, buckets: tuple) -> None:
    for bound in buckets:
        if value <= bound:
            pipe.hincrby(REDIS_KEY, f"{name}|{label}|{bound}", 1)
    pipe.hincrby(REDIS_KEY, f"{name}|{label}|count", 1)
    pipe.hincrbyfloat(REDIS_KEY, f"{name}|{label}|sum", value)


def _write(fill) -> None:
    """Metrics never fail the work they describe: a Redis error is logged and dropped."""
    try:
        pipe = django_rq.get_connection("default").pipeline(transaction=False)
        fill(pipe)
        pipe.execute()
    except RedisError as exc:
        log.warning("metrics not recorded: %s", exc)


def record_encode(*, rendition: str, seconds: float, media_seconds: float) -> None:
    """One rendition encoded: `seconds` of wall time for `media_seconds` of output."""
    if seconds <= 0 or media_seconds <= 0:
        return

    def fill(pipe):
        _observe(pipe, "encode_seconds", rendition, seconds, ENCODE_BUCKETS)
        _observe(pipe, "realtime_factor", rendition, media_seconds / seconds, SPEED_BUCKETS)
        pipe.hincrbyfloat(REDIS_KEY, f"encoded_media_seconds|{rendition}|sum", media_seconds)

    _write(fill)


def record_webhook_failure(*, dialect: str, final: bool) -> None:
    """A delivery attempt failed; `final` when the delivery has failed for good."""

    def fill(pipe):
        pipe.hincrby(REDIS_KEY, f"webhook_failed_attempts|{dialect}|sum", 1)
        if final:
            pipe.hincrby(REDIS_KEY, f"webhook_failed_deliveries|{dialect}|sum", 1)

    _write(fill)


# --- reading it back -------------------------------------------------------------------------
HISTOGRAMS = {
    "encode_seconds": ("media_platform_encode_seconds", "Wall seconds to encode a rendition", ENCODE_BUCKETS),
    "realtime_factor": (
        "media_platform_encode_realtime_factor",
        "Seconds of output encoded per second of wall time, by rendition",
        SPEED_BUCKETS,
    ),
}
COUNTERS = {
    "encoded_media_seconds": ("media_platform_encoded_media_seconds", "Seconds of output encoded", "rendition"),
    "webhook_failed_attempts": ("media_platform_webhook_failed_attempts", "Webhook attempts that failed", "dialect"),
    "webhook_failed_deliveries": (
        "media_platform_webhook_failed_deliveries",
        "Webhook deliveries that failed for good (attempts used up, or not sendable)",
        "dialect",
    ),
}


def _families(fields: dict[str, float]):
    grouped: dict[tuple[str, str], dict[str, float]] = {}
    for field, value in fields.items():
        name, label, part = field.split("|", 2)
        grouped.setdefault((name, label), {})[part] = value
    for key, (metric, help_text, buckets) in HISTOGRAMS.items():
        histogram = HistogramMetricFamily(metric, help_text, labels=["rendition"])
        for (name, label), parts in sorted(grouped.items()):
            if name == key:
                counts = [(str(float(b)), parts.get(str(b), 0)) for b in buckets] + [("+Inf", parts.get("count", 0))]
                histogram.add_metric([label], counts, sum_value=parts.get("sum", 0))
        yield histogram
    for key, (metric, help_text, label_name) in COUNTERS.items():
        counter = CounterMetricFamily(metric, help_text, labels=[label_name])
        for (name, label), parts in sorted(grouped.items()):
            if name == key:
                counter.add_metric([label], parts.get("sum", 0))
        yield counter


class SharedCollector:
    """What every process sees alike, from Redis: django-rq's collector and the workers' records."""

    def __init__(self):
        self.rq = RQCollector()

    def collect(self):
        up = GaugeMetricFamily("media_platform_redis_up", "Whether Redis answered this scrape")
        try:
            raw = django_rq.get_connection("default").hgetall(REDIS_KEY)
            families = [*self.rq.collect(), *_families({k.decode(): float(v) for k, v in raw.items()})]
        except RedisError as exc:
            log.warning("metrics: Redis unavailable: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families


SHARED = CollectorRegistry(auto_describe=False)
SHARED.register(SharedCollector())


def exposition() -> bytes:
    """Prometheus' text format: this process's (or all gunicorn workers') counts, then Redis's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        local = CollectorRegistry()
        multiprocess.MultiProcessCollector(local)
    else:
        local = PROCESS
    return generate_latest(local) + generate_latest(SHARED)

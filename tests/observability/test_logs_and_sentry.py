"""JSON logs when LOG_FORMAT=json (a worker's own lines included), and errors reported to Sentry
when SENTRY_DSN is set: a real receiver on loopback takes the event a failing request sends."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zlib

import pytest
from django.conf import settings

from tests.support.receiver import start_receiver
from tests.support.workers import subprocess_env

# A request through the WSGI application, as gunicorn hands it over (Sentry wraps that handler).
CRASH = """
import django
django.setup()
import sentry_sdk
from wsgiref.util import setup_testing_defaults
from django.core.handlers.wsgi import WSGIHandler
from django.test.utils import override_settings
environ = {"PATH_INFO": "/crash", "HTTP_HOST": "localhost", "HTTP_ACCESSKEY": "library-key-0123456789"}
setup_testing_defaults(environ)
statuses = []
with override_settings(ROOT_URLCONF="tests.support.crashing_urls"):
    WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
sentry_sdk.flush(10)
print(statuses[0])
"""


def unpack(body: bytes, encoding: str) -> list[dict]:
    """A Sentry envelope: one JSON header line, then item header and payload lines."""
    if encoding == "gzip":
        body = gzip.decompress(body)
    elif encoding == "deflate":
        body = zlib.decompress(body)
    return [json.loads(line) for line in body.splitlines() if line.strip()]


@pytest.mark.django_db(transaction=True)
def test_a_failing_request_is_reported_to_sentry_without_the_library_key():
    receiver = start_receiver()
    try:
        host, port = receiver.server.server_address[:2]
        env = {**subprocess_env(), "SENTRY_DSN": f"http://public0123@{host}:{port}/42", "SENTRY_ENVIRONMENT": "test"}
        result = subprocess.run([sys.executable, "-c", CRASH], cwd=settings.BASE_DIR, env=env, capture_output=True,
                                text=True, timeout=120)  # fmt: skip
        assert result.stdout.strip().endswith("500 Internal Server Error"), result.stderr[-3000:]
        received = receiver.wait_for(1)
    finally:
        receiver.server.shutdown()
    envelopes = [(r.path, unpack(r.body, r.headers.get("Content-Encoding", ""))) for r in received]
    events = [item for path, items in envelopes if path == "/api/42/envelope/" for item in items
              if item.get("exception")]  # fmt: skip
    assert len(events) == 1, envelopes
    [exception] = events[0]["exception"]["values"]
    assert (exception["type"], exception["value"]) == ("RuntimeError", "the view failed on purpose")
    request = events[0]["request"]
    assert events[0]["environment"] == "test" and request["url"] == "http://localhost/crash"
    assert request["headers"]["Accesskey"] != "library-key-0123456789"  # scrubbed
    assert all(b"library-key-0123456789" not in r.body for r in received)


@pytest.mark.workers
def test_a_worker_logs_json_lines_when_asked(tmp_path):
    env = {**subprocess_env(), "LOG_FORMAT": "json", "LOG_LEVEL": "INFO"}
    result = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "default", "--burst"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line, not only ours
    assert any(entry["logger"] == "rq.worker" for entry in entries), lines
    assert all({"time", "level", "logger", "message"} <= set(entry) for entry in entries)

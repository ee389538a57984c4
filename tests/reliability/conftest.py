"""The reliability suite: its report (a table of every fault scenario at the end of the session)
and what the fault scenarios share."""

from __future__ import annotations

import sys

import pytest
from rq import Retry

from media_platform.services.queueing import ENVIRONMENT_RETRY
from tests.reliability import report

PLUGIN = "tests.reliability.report"


def pytest_configure(config):
    if not config.pluginmanager.has_plugin(PLUGIN):
        config.pluginmanager.register(report, PLUGIN)


def pytest_collection_modifyitems(config, items):
    """The chaos scenarios run only when asked for (`-m chaos`, as `make chaos` does): a plain
    `pytest tests/reliability` stays bounded."""
    expression = config.getoption("markexpr") or ""
    if "chaos" in expression and "not chaos" not in expression:
        return
    skip = pytest.mark.skip(reason="a long chaos scenario: run it with `make chaos` (pytest -m chaos)")
    for item in items:
        if item.get_closest_marker("chaos"):
            item.add_marker(skip)


@pytest.fixture
def fast_retries(monkeypatch) -> Retry:
    """The engine's retry policy for environment faults (3 retries) with 1-second waits instead of
    10, 60 and 300 s, so a scenario can watch every retry. It is read when a job is enqueued."""
    policy = Retry(max=ENVIRONMENT_RETRY.max, interval=1)
    for name, module in list(sys.modules.items()):
        if name.startswith("media_platform.") and getattr(module, "ENVIRONMENT_RETRY", None) is ENVIRONMENT_RETRY:
            monkeypatch.setattr(module, "ENVIRONMENT_RETRY", policy)
    return policy

"""The reliability table: every fault scenario's outcome, jobs lost and duplicates, printed once
at the end of the session.

A test takes the `scenario` fixture and calls `scenario.record(...)` before its assertions, so a
failing run still shows what it counted. The row travels on the test report's user_properties,
which pytest-xdist carries from its workers to the controller that prints the table.
`tests/reliability/conftest.py` registers this plugin; `make test` also names it with `-p`, because
under xdist the controller never loads that conftest itself.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

import pytest

PROPERTY = "reliability-scenario"
_rows: dict[str, dict] = {}
_results: dict[str, str] = {}


@dataclass
class Scenario:
    name: str
    outcome: str = "not recorded"
    lost: int | None = None
    duplicates: int | None = None
    started: float = field(default_factory=time.monotonic)

    def record(self, outcome: str, *, lost: int, duplicates: int) -> None:
        self.outcome, self.lost, self.duplicates = outcome, lost, duplicates


@pytest.fixture
def scenario(request) -> Iterator[Scenario]:
    """What this fault scenario ended with, for the table."""
    found = Scenario(request.node.name.removeprefix("test_").replace("_", " "))
    yield found
    row = asdict(found) | {"seconds": round(time.monotonic() - found.started, 1)}
    request.node.user_properties.append((PROPERTY, row))


def pytest_runtest_logreport(report) -> None:
    result = _results.get(report.nodeid, "passed")
    if report.failed:
        result = f"FAILED ({report.when})" if result == "passed" else result
    elif report.skipped:
        result = "xfail" if hasattr(report, "wasxfail") else "skipped"
    elif report.when == "call" and hasattr(report, "wasxfail"):
        result = "XPASS"
    _results[report.nodeid] = result
    for name, value in report.user_properties:
        if name == PROPERTY:
            _rows[report.nodeid] = value


def table(rows: list[dict]) -> list[str]:
    headers = ["scenario", "result", "outcome", "jobs lost", "duplicates", "seconds"]
    cells = [
        [row["name"], row["result"], row["outcome"], _count(row["lost"]), _count(row["duplicates"]), row["seconds"]]
        for row in rows
    ]
    widths = [max(len(str(value)) for value in column) for column in zip(headers, *cells, strict=True)]
    lines = ["  ".join(str(value).ljust(width) for value, width in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(str(value).ljust(width) for value, width in zip(row, widths, strict=True)) for row in cells]
    return lines


def _count(value: int | None) -> str:
    return "?" if value is None else str(value)


def pytest_terminal_summary(terminalreporter) -> None:
    rows = [{**row, "result": _results.get(nodeid, "?")} for nodeid, row in sorted(_rows.items())]
    if not rows:
        return
    terminalreporter.write_sep("=", "reliability scenarios")
    for line in table(rows):
        terminalreporter.write_line(line)

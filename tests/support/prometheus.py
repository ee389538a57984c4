"""Reading Prometheus' text format in tests."""

from __future__ import annotations

import re


def metric(text: str, name: str, **labels) -> float:
    """The value of one series in Prometheus' text format, whatever the order of its labels."""
    for line in text.splitlines():
        found = re.fullmatch(r"([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)", line)
        if found and found.group(1) == name and dict(re.findall(r'(\w+)="([^"]*)"', found.group(2) or "")) == labels:
            return float(found.group(3))
    raise AssertionError(f"{name}{labels} not in /metrics")

"""First in MIDDLEWARE: answers the probes and /metrics, and times every other request."""

from __future__ import annotations

import time

from .metrics import observe_request
from .views import healthz_view, metrics_view, readyz_view

PROBES = {"/healthz": healthz_view, "/readyz": readyz_view, "/metrics": metrics_view}


class OperatorMiddleware:
    """Probes are answered here, before SecurityMiddleware's HTTPS redirect and the host check
    (a load balancer calls by IP, over plain HTTP), and are not counted as traffic."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        started = time.perf_counter()
        response = self.get_response(request)
        observe_request(request.method, view_label(request), response.status_code, time.perf_counter() - started)
        return response


def view_label(request) -> str:
    """The URL's name ("bunny-videos", "admin:index"), else its view's dotted path: one series per
    operation, however many ids its URLs carry; "unmatched" for a 404 and the static files."""
    match = request.resolver_match
    if match is None:
        return "unmatched"
    return match.view_name or match._func_path

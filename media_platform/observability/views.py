"""/healthz (the process answers), /readyz (it can do its work), /metrics (Prometheus).

Reached through ProbeMiddleware, ahead of the host check and the HTTPS redirect: load balancers
and Prometheus call by address, over plain HTTP, inside the network."""

from __future__ import annotations

from hmac import compare_digest

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST

from .metrics import exposition
from .probes import readiness


def healthz_view(request) -> HttpResponse:
    return JsonResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


def readyz_view(request) -> HttpResponse:
    outcomes = readiness()
    ready = all(outcome.ok for outcome in outcomes.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "failed": [name for name, outcome in outcomes.items() if not outcome.ok],
        "checks": {name: outcome.as_json() for name, outcome in outcomes.items()},
    }
    return JsonResponse(body, status=200 if ready else 503, headers={"Cache-Control": "no-store"})


def metrics_view(request) -> HttpResponse:
    """Off (404) unless METRICS_TOKEN is set; then only for `Authorization: Bearer <token>`."""
    token = settings.METRICS_TOKEN
    if not token:
        return HttpResponse(status=404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not compare_digest(given.encode(), token.encode()):
        return HttpResponse("A metrics token is needed.\n", status=401, headers={"WWW-Authenticate": "Bearer"})
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})

"""The one error helper under every dialect's exception handler.

DRF's own handler decides what it always decides: which exceptions become responses, their
status, `WWW-Authenticate` (from `exc.auth_header`, which the view sets from its authenticator),
`Retry-After` (from `exc.wait`) and the rollback of an atomic request. A dialect gives only its
body, built from a Failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

NOT_FOUND = "Not found"


@dataclass(frozen=True)
class Failure:
    exc: Exception  # as raised: an APIException, or Django's Http404 / PermissionDenied
    status: int
    message: str  # the detail in words: "field: message; other: message"


def detail_text(detail: Any) -> str:
    """DRF's detail (a string, a list, a dict of fields) as one line."""
    if isinstance(detail, dict):
        return "; ".join(f"{field}: {detail_text(value)}" for field, value in detail.items())
    if isinstance(detail, list):
        return " ".join(detail_text(item) for item in detail)
    return str(detail)


def _message(exc: Exception) -> str:
    if isinstance(exc, exceptions.APIException):
        return detail_text(exc.detail)
    if isinstance(exc, Http404):
        return str(exc) or NOT_FOUND
    return str(exc) or str(exceptions.PermissionDenied.default_detail)


def error_response(exc: Exception, context: dict, body: Callable[[Failure], Any] | None = None) -> Response | None:
    """DRF's response for `exc` with the dialect's body (DRF's own without `body`); None when DRF
    leaves the exception alone (a bug: Django answers 500)."""
    response = exception_handler(exc, context)
    if response is None or body is None:
        return response
    response.data = body(Failure(exc, response.status_code, _message(exc)))
    return response

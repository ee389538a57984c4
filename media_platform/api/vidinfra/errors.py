"""vidinfra answers everything in one envelope: {"message": str, "result": …, "success": bool}.

A 400 lists every failing field: {"result": {"errors": [{"field": "format[2].destination",
"message": "…"}]}}, and its message names them. Other errors carry "result": null.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

JOB_NOT_FOUND = "Transcoding job not found"


def envelope(message: str, result: Any, *, success: bool = True) -> dict:
    return {"message": message, "result": result, "success": success}


class ValidationFailed(exceptions.APIException):
    status_code = 400

    def __init__(self, details: list[dict]):
        super().__init__("Validation failed")
        self.details = details


class JobNotFound(exceptions.NotFound):
    default_detail = JOB_NOT_FOUND


class JobConflict(exceptions.APIException):
    """The job is past the point where this operation applies (e.g. PUT once it has started)."""

    status_code = 409


def validation_message(details: list[dict]) -> str:
    fields = list(dict.fromkeys(item["field"] for item in details))
    shown = ", ".join(fields[:10]) + (f" and {len(fields) - 10} more" if len(fields) > 10 else "")
    return f"Invalid request: check {shown}."


def vidinfra_exception_handler(exc, context) -> Response | None:
    if isinstance(exc, ValidationFailed):
        body = envelope(validation_message(exc.details), {"errors": exc.details}, success=False)
        return Response(body, status=400)
    if isinstance(exc, Http404 | JobNotFound):
        return Response(envelope(JOB_NOT_FOUND, None, success=False), status=404)
    if isinstance(exc, exceptions.ParseError):
        details = [{"field": "body", "message": f"the body must be valid JSON: {exc.detail}"}]
        return Response(envelope(validation_message(details), {"errors": details}, success=False), status=400)
    if not isinstance(exc, exceptions.APIException):
        return None
    response = Response(envelope(_message(exc.detail), None, success=False), status=exc.status_code)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def _message(detail) -> str:
    if isinstance(detail, dict):
        return "; ".join(f"{field}: {_message(value)}" for field, value in detail.items())
    if isinstance(detail, list):
        return " ".join(_message(item) for item in detail)
    return str(detail)

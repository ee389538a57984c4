"""vidinfra answers everything in one envelope: {"message": str, "result": …, "success": bool}.

A 400 lists every failing field: {"result": {"errors": [{"field": "format[2].destination",
"message": "…"}]}}, and its message names them. Other errors carry "result": null.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from media_platform.api.common.errors import Failure, error_response
from media_platform.api.common.fields import FieldErrors

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


def error_details(errors: FieldErrors) -> list[dict]:
    """One entry per failure, in the order found: [{"field", "message"}]."""
    return [{"field": field, "message": message} for field, message in errors.entries]


def validation_message(details: list[dict]) -> str:
    fields = list(dict.fromkeys(item["field"] for item in details))
    shown = ", ".join(fields[:10]) + (f" and {len(fields) - 10} more" if len(fields) > 10 else "")
    return f"Invalid request: check {shown}."


def _invalid(details: list[dict]) -> dict:
    return envelope(validation_message(details), {"errors": details}, success=False)


def _body(failure: Failure) -> dict:
    exc = failure.exc
    if isinstance(exc, ValidationFailed):
        return _invalid(exc.details)
    if isinstance(exc, Http404 | JobNotFound):
        return envelope(JOB_NOT_FOUND, None, success=False)
    if isinstance(exc, exceptions.ParseError):
        return _invalid([{"field": "body", "message": f"the body must be valid JSON: {exc.detail}"}])
    return envelope(failure.message, None, success=False)


def vidinfra_exception_handler(exc, context) -> Response | None:
    return error_response(exc, context, _body)

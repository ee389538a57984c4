"""The request API's error bodies.

400: {"status": 400, "error": "Failed to validate fields", "details": [{"name", "message": [...]}]}
404 (a process): {"status": 404, "message", "description", "error_code": "PROCESS_NOT_FOUND"}
Others follow the same pattern: {"status", "error", "message", "error_code"}; `message` is the
human-readable explanation the service's documentation promises.
"""

from __future__ import annotations

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from media_platform.api.common.errors import Failure, error_response
from media_platform.api.common.fields import FieldErrors

VALIDATION_ERROR = "Failed to validate fields"
PROCESS_NOT_FOUND = {
    "status": 404,
    "message": "Process not found",
    "description": "No process found with the provided id.",
    "error_code": "PROCESS_NOT_FOUND",
}
TITLES = {
    400: ("Bad Request", "BAD_REQUEST"),
    401: ("Unauthorized", "UNAUTHORIZED"),
    403: ("Forbidden", "FORBIDDEN"),
    404: ("Not Found", "NOT_FOUND"),
    405: ("Method Not Allowed", "METHOD_NOT_ALLOWED"),
    406: ("Not Acceptable", "NOT_ACCEPTABLE"),
    409: ("Too many simultaneous processes", "TOO_MANY_PROCESSES"),
    415: ("Unsupported Media Type", "UNSUPPORTED_MEDIA_TYPE"),
    429: ("Too Many Requests", "TOO_MANY_REQUESTS"),
}


class ValidationFailed(exceptions.APIException):
    """Every failing field at once: details is [{"name": path, "message": [messages]}]."""

    status_code = 400

    def __init__(self, details: list[dict]):
        super().__init__(VALIDATION_ERROR)
        self.details = details


class ProcessNotFound(exceptions.NotFound):
    pass


class TooManyProcesses(exceptions.APIException):
    status_code = 409
    default_detail = "Limit of simultaneous processes reached"


def error_details(errors: FieldErrors) -> list[dict]:
    """One entry per failing field, with all its messages: [{"name", "message": [...]}]."""
    return [{"name": name, "message": messages} for name, messages in errors.by_field().items()]


def validation_body(details: list[dict]) -> dict:
    return {"status": 400, "error": VALIDATION_ERROR, "details": details}


def error_body(code: int, message: str) -> dict:
    title, error_code = TITLES.get(code, ("Error", "ERROR"))
    return {"status": code, "error": title, "message": message, "error_code": error_code}


def _body(failure: Failure) -> dict:
    exc = failure.exc
    if isinstance(exc, ValidationFailed):
        return validation_body(exc.details)
    if isinstance(exc, ProcessNotFound | Http404):
        return PROCESS_NOT_FOUND
    if isinstance(exc, exceptions.ParseError):
        return validation_body([{"name": "body", "message": [f"body must be valid JSON: {exc.detail}"]}])
    return error_body(failure.status, failure.message)


def slashed_exception_handler(exc, context) -> Response | None:
    return error_response(exc, context, _body)

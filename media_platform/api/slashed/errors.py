"""The request API's error bodies.

400: {"status": 400, "error": "Failed to validate fields", "details": [{"name", "message": [...]}]}
404 (a process): {"status": 404, "message", "description", "error_code": "PROCESS_NOT_FOUND"}
Others follow the same pattern: {"status", "error", "message", "error_code"}; `message` is the
human-readable explanation the service's documentation promises.
"""

from __future__ import annotations

import math

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

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


def validation_body(details: list[dict]) -> dict:
    return {"status": 400, "error": VALIDATION_ERROR, "details": details}


def error_body(code: int, message: str) -> dict:
    title, error_code = TITLES.get(code, ("Error", "ERROR"))
    return {"status": code, "error": title, "message": message, "error_code": error_code}


def slashed_exception_handler(exc, context) -> Response | None:
    if isinstance(exc, ValidationFailed):
        return Response(validation_body(exc.details), status=400)
    if isinstance(exc, ProcessNotFound | Http404):
        return Response(PROCESS_NOT_FOUND, status=404)
    if isinstance(exc, exceptions.ParseError):
        details = [{"name": "body", "message": [f"body must be valid JSON: {exc.detail}"]}]
        return Response(validation_body(details), status=400)
    if not isinstance(exc, exceptions.APIException):
        return None
    response = Response(error_body(exc.status_code, _message(exc.detail)), status=exc.status_code)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(max(1, math.ceil(exc.wait)))
    if exc.status_code == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def _message(detail) -> str:
    if isinstance(detail, dict):
        return "; ".join(f"{field}: {_message(value)}" for field, value in detail.items())
    if isinstance(detail, list):
        return " ".join(_message(item) for item in detail)
    return str(detail)

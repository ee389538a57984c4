"""bunny answers errors with its StatusModel: {"success": false, "message", "statusCode"}."""

from __future__ import annotations

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response


def status_body(code: int, message: str, *, success: bool = False) -> dict:
    return {"success": success, "message": message, "statusCode": code}


def ok(message: str = "OK", **extra) -> Response:
    return Response({**status_body(200, message, success=True), **extra})


def error(code: int, message: str) -> Response:
    return Response(status_body(code, message), status=code)


def _message(detail) -> str:
    if isinstance(detail, dict):
        return "; ".join(f"{field}: {_message(value)}" for field, value in detail.items())
    if isinstance(detail, list):
        return " ".join(_message(item) for item in detail)
    return str(detail)


def bunny_exception_handler(exc, context) -> Response | None:
    if isinstance(exc, Http404):
        return error(status.HTTP_404_NOT_FOUND, str(exc) or "Not found")
    if isinstance(exc, exceptions.APIException):
        response = error(exc.status_code, _message(exc.detail))
        if isinstance(exc, exceptions.Throttled) and exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        if exc.status_code == 401:
            response["WWW-Authenticate"] = "AccessKey"
        return response
    return None

"""bunny answers errors with its StatusModel: {"success": false, "message", "statusCode"}."""

from __future__ import annotations

from rest_framework.response import Response

from media_platform.api.common.errors import error_response


def status_body(code: int, message: str, *, success: bool = False) -> dict:
    return {"success": success, "message": message, "statusCode": code}


def ok(message: str = "OK", **extra) -> Response:
    return Response({**status_body(200, message, success=True), **extra})


def error(code: int, message: str) -> Response:
    return Response(status_body(code, message), status=code)


def bunny_exception_handler(exc, context) -> Response | None:
    return error_response(exc, context, lambda failure: status_body(failure.status, failure.message))

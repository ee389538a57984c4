"""Nuxeo answers every error with an exception entity: {"entity-type": "exception", "status", "message"}."""

from __future__ import annotations

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from .render import exception_entity

REALM = 'Basic realm="Nuxeo"'


class BulkCommandNotFound(exceptions.NotFound):
    pass


class BadRequest(exceptions.APIException):
    status_code = 400


def _message(detail) -> str:
    if isinstance(detail, dict):
        return "; ".join(f"{field}: {_message(value)}" for field, value in detail.items())
    if isinstance(detail, list):
        return " ".join(_message(item) for item in detail)
    return str(detail)


def nuxeo_exception_handler(exc, context) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found")
    if not isinstance(exc, exceptions.APIException):
        return None
    response = Response(exception_entity(exc.status_code, _message(exc.detail)), status=exc.status_code)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = REALM
    return response

"""Nuxeo answers every error with an exception entity: {"entity-type": "exception", "status", "message"}."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.response import Response

from media_platform.api.common.errors import error_response

from .presenters import exception_entity


class BulkCommandNotFound(exceptions.NotFound):
    pass


class BadRequest(exceptions.APIException):
    status_code = 400


def nuxeo_exception_handler(exc, context) -> Response | None:
    return error_response(exc, context, lambda failure: exception_entity(failure.status, failure.message))

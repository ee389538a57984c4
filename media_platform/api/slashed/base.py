from __future__ import annotations

from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.views import APIView

from media_platform.api.common.auth import AuthorizationSchemeAuthentication
from media_platform.api.common.permissions import KeyCanWrite
from media_platform.models import EncodingProcess, Library

from .errors import ProcessNotFound, slashed_exception_handler
from .fields import parse_service_id
from .limits import LibraryRateThrottle


class BearerAuthentication(AuthorizationSchemeAuthentication):
    scheme = "Bearer"


class SlashedApiView(APIView):
    """Every request-API operation: a Bearer key, the key's library only, the service's error bodies,
    the library's requests-per-minute limit."""

    authentication_classes = [BearerAuthentication]
    permission_classes = [KeyCanWrite]
    throttle_classes = [LibraryRateThrottle]
    parser_classes = [JSONParser]  # the service speaks JSON only

    def get_exception_handler(self):
        return slashed_exception_handler

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated()
        raise exceptions.PermissionDenied(message or "Valid API secret but no access to requested resource")

    def throttled(self, request, wait):
        raise exceptions.Throttled(wait, detail="Too many requests in a short period of time.")

    @property
    def library(self) -> Library:
        return self.request.auth.library

    def check_service(self, data) -> None:
        """A body naming another service (library) than the key's is refused with 403; a missing or
        malformed service_id is left to validation, which reports it with the other fields."""
        service_id = data.get("service_id") if isinstance(data, dict) else None
        parsed = parse_service_id(service_id)
        if parsed is not None and parsed != self.library.pk:
            raise exceptions.PermissionDenied("Valid API secret but no access to the requested service")

    def get_process(self, process_id: str) -> EncodingProcess:
        process = (
            EncodingProcess.objects.filter(
                library=self.library, dialect=EncodingProcess.Dialect.SLASHED, public_id=process_id
            )
            .select_related("library")
            .first()
        )
        if process is None:
            raise ProcessNotFound()
        return process

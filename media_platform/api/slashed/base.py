from __future__ import annotations

from rest_framework import exceptions
from rest_framework.parsers import JSONParser

from media_platform.api.common.auth import AuthorizationSchemeAuthentication
from media_platform.api.common.views import LibraryApiView
from media_platform.models import EncodingProcess

from .errors import ProcessNotFound, slashed_exception_handler
from .fields import parse_service_id
from .limits import LibraryRateThrottle


class SlashedApiView(LibraryApiView):
    """Every request-API operation: a Bearer key, the key's library only, the service's error bodies,
    the library's requests-per-minute limit."""

    authentication_classes = [AuthorizationSchemeAuthentication]  # Authorization: Bearer <key>
    throttle_classes = [LibraryRateThrottle]
    parser_classes = [JSONParser]  # the service speaks JSON only
    exception_handler = slashed_exception_handler
    denied_message = "Valid API secret but no access to requested resource"
    dialect = EncodingProcess.Dialect.SLASHED
    process_not_found = ProcessNotFound

    def throttled(self, request, wait):
        raise exceptions.Throttled(wait, detail="Too many requests in a short period of time.")

    def check_service(self, data) -> None:
        """A body naming another service (library) than the key's is refused with 403; a missing or
        malformed service_id is left to validation, which reports it with the other fields."""
        service_id = data.get("service_id") if isinstance(data, dict) else None
        parsed = parse_service_id(service_id)
        if parsed is not None and parsed != self.library.pk:
            raise exceptions.PermissionDenied("Valid API secret but no access to the requested service")

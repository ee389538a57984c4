"""What every TPStreams operation shares: `Authorization: Token <key>`, the key's own organisation
(library) only, and Django REST Framework's own error bodies, which is what TPStreams (a DRF
service) answers: {"detail": "…"} for 401/403/404, {"field": ["message", …]} for 400."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.parsers import JSONParser

from media_platform.api.common.auth import AuthorizationSchemeAuthentication
from media_platform.api.common.errors import error_response
from media_platform.api.common.views import LibraryApiView
from media_platform.models import EncodingProcess


class TokenAuthentication(AuthorizationSchemeAuthentication):
    """`Authorization: Token <API key>`, answering with DRF TokenAuthentication's words."""

    scheme = "Token"

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc


def tpstreams_exception_handler(exc, context):
    """DRF's bodies, pinned here so a site-wide EXCEPTION_HANDLER never changes this dialect's."""
    return error_response(exc, context)


class TPStreamsApiView(LibraryApiView):
    authentication_classes = [TokenAuthentication]
    parser_classes = [JSONParser]  # the service takes JSON bodies
    exception_handler = tpstreams_exception_handler
    dialect = EncodingProcess.Dialect.TPSTREAMS
    # A key belongs to one organisation (library): another's id in the path is not ours to see (403).
    library_kwarg = "organization_id"

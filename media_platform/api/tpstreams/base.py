"""What every TPStreams operation shares: `Authorization: Token <key>`, the key's own organisation
(library) only, and Django REST Framework's own error bodies, which is what TPStreams (a DRF
service) answers: {"detail": "…"} for 401/403/404, {"field": ["message", …]} for 400."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.views import APIView, exception_handler

from media_platform.api.common.auth import AuthorizationSchemeAuthentication
from media_platform.api.common.permissions import KeyCanWrite
from media_platform.models import EncodingProcess, Library


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
    return exception_handler(exc, context)


class TPStreamsApiView(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [KeyCanWrite]
    parser_classes = [JSONParser]  # the service takes JSON bodies

    def get_exception_handler(self):
        return tpstreams_exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A key belongs to one organisation (library): another's id in the path is not ours to see.
        if str(request.auth.library.pk) != str(kwargs.get("organization_id")):
            raise exceptions.PermissionDenied()

    @property
    def library(self) -> Library:
        return self.request.auth.library

    def jobs(self):
        return EncodingProcess.objects.filter(library=self.library, dialect=EncodingProcess.Dialect.TPSTREAMS)

    def get_job(self, job_id: str) -> EncodingProcess:
        process = self.jobs().filter(public_id=job_id).first()
        if process is None:
            raise exceptions.NotFound()
        return process

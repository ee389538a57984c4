from __future__ import annotations

from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.views import APIView

from media_platform.api.common.auth import AuthorizationSchemeAuthentication
from media_platform.api.common.permissions import KeyCanWrite
from media_platform.models import EncodingProcess, Library

from .errors import JobNotFound, vidinfra_exception_handler
from .queries import vidinfra_jobs


class BearerAuthentication(AuthorizationSchemeAuthentication):
    scheme = "Bearer"


class VidinfraApiView(APIView):
    """Every transcoding-service operation: a Bearer library key, that library's jobs only, the
    service's envelope for errors too."""

    authentication_classes = [BearerAuthentication]
    permission_classes = [KeyCanWrite]
    parser_classes = [JSONParser]  # the service speaks JSON only

    def get_exception_handler(self):
        return vidinfra_exception_handler

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated()
        raise exceptions.PermissionDenied(message or "This API key may not do that.")

    @property
    def library(self) -> Library:
        return self.request.auth.library

    def get_job(self, job_id: str) -> EncodingProcess:
        """A job of the key's library; any other id (another library's included) is a 404."""
        process = vidinfra_jobs(self.library).filter(public_id=job_id).first()
        if process is None:
            raise JobNotFound()
        return process

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAdminUser
from rest_framework.views import APIView

from media_platform.models import BulkCommand
from media_platform.selectors.bulk import bulk_command_get

from .errors import BulkCommandNotFound, nuxeo_exception_handler


class NuxeoApiView(APIView):
    """Every Nuxeo operation: a staff user (HTTP basic or the admin's session), exception entities."""

    # The 401's WWW-Authenticate names Nuxeo's realm (errors.py), as the service does.
    authentication_classes = [BasicAuthentication, SessionAuthentication]
    permission_classes = [IsAdminUser]
    parser_classes = [FormParser, MultiPartParser, JSONParser]

    def get_exception_handler(self):
        return nuxeo_exception_handler

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated()
        raise exceptions.PermissionDenied(message or "Only administrators may run bulk video commands.")

    def get_command(self, command_id: str) -> BulkCommand:
        command = bulk_command_get(command_id)
        if command is None:
            raise BulkCommandNotFound(f"Bulk command '{command_id}' not found")
        return command

from __future__ import annotations

from drf_spectacular.authentication import BasicScheme
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAdminUser

from media_platform.api.common.views import DialectApiView
from media_platform.models import BulkCommand
from media_platform.selectors.bulk import bulk_command_get

from .errors import BulkCommandNotFound, nuxeo_exception_handler


class NuxeoBasicAuthentication(BasicAuthentication):
    """A 401 names Nuxeo's realm in WWW-Authenticate, as the service does."""

    www_authenticate_realm = "Nuxeo"


class NuxeoBasicScheme(BasicScheme):
    """In the OpenAPI schema it is HTTP basic auth, as DRF's own is."""

    target_class = NuxeoBasicAuthentication


class NuxeoApiView(DialectApiView):
    """Every Nuxeo operation: a staff user (HTTP basic or the admin's session), exception entities."""

    authentication_classes = [NuxeoBasicAuthentication, SessionAuthentication]
    permission_classes = [IsAdminUser]
    parser_classes = [FormParser, MultiPartParser, JSONParser]
    exception_handler = nuxeo_exception_handler
    denied_message = "Only administrators may run bulk video commands."

    def get_command(self, command_id: str) -> BulkCommand:
        command = bulk_command_get(command_id)
        if command is None:
            raise BulkCommandNotFound(f"Bulk command '{command_id}' not found")
        return command

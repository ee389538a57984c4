from __future__ import annotations

from rest_framework.parsers import JSONParser

from media_platform.api.common.auth import AuthorizationSchemeAuthentication
from media_platform.api.common.views import LibraryApiView
from media_platform.models import EncodingProcess

from .errors import JobNotFound, vidinfra_exception_handler


class VidinfraApiView(LibraryApiView):
    """Every transcoding-service operation: a Bearer library key, that library's jobs only, the
    service's envelope for errors too."""

    authentication_classes = [AuthorizationSchemeAuthentication]  # Authorization: Bearer <key>
    parser_classes = [JSONParser]  # the service speaks JSON only
    exception_handler = vidinfra_exception_handler
    denied_message = "This API key may not do that."
    dialect = EncodingProcess.Dialect.VIDINFRA
    process_not_found = JobNotFound

    def get_job(self, job_id: str) -> EncodingProcess:
        """A job of the key's library, with what rendering it reads; any other id is a 404."""
        return self.get_process(job_id, with_outputs=True)

"""The base views every dialect's views stand on.

DialectApiView: the dialect's exception handler, and one answer for a refused permission (401
when no credentials were accepted, else 403 with the permission's message or the dialect's).
LibraryApiView adds library-key authentication: the key's library is `self.library`, writes
need the full key, a library named in the path must be the key's own, and a process is looked
up among that library's processes of this dialect only (any other id is the dialect's 404).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, cast

from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from media_platform.models import EncodingProcess, Library
from media_platform.selectors.libraries import KeyedLibrary
from media_platform.selectors.processes import process_get

from .permissions import KeyCanWrite


class DialectApiView(APIView):
    # A plain function (exc, context) → Response | None: the dialect's body on api.common.errors.
    exception_handler: ClassVar[Callable[[Exception, dict], Response | None]]
    denied_message: ClassVar[str | None] = None  # the 403's detail when the permission gives none

    def get_exception_handler(self) -> Callable[[Exception, dict], Response | None]:
        return type(self).exception_handler

    def initial(self, request, *args, **kwargs):
        # No stored text holds a NUL character, and PostgreSQL refuses one in any query (an error,
        # not a miss): a path or query carrying one is malformed, said in the dialect's own format.
        values = [*map(str, kwargs.values()), *(v for _, vs in request.query_params.lists() for v in vs)]
        if any("\x00" in value for value in values):
            raise exceptions.ParseError("The request's path or query contains a NUL character.")
        super().initial(request, *args, **kwargs)

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated()
        raise exceptions.PermissionDenied(message or self.denied_message, code=code)


class LibraryApiView(DialectApiView):
    permission_classes = [KeyCanWrite]
    library_kwarg: ClassVar[str | None] = None  # the path's name for the library, when the path has one
    dialect: ClassVar[str]  # EncodingProcess.Dialect: whose processes get_process finds
    process_not_found: ClassVar[type[exceptions.APIException]] = exceptions.NotFound

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.library_kwarg and str(self.library.pk) != str(kwargs.get(self.library_kwarg)):
            raise self.wrong_library()

    def wrong_library(self) -> exceptions.APIException:
        """What a key hears about another library's path (each dialect says it its own way)."""
        return exceptions.PermissionDenied()

    @property
    def keyed(self) -> KeyedLibrary:
        return cast(KeyedLibrary, self.request.auth)  # what the library-key authentications set

    @property
    def library(self) -> Library:
        return self.keyed.library

    def get_process(self, public_id: str, **options: Any) -> EncodingProcess:
        process = process_get(library=self.library, dialect=self.dialect, public_id=public_id, **options)
        if process is None:
            raise self.process_not_found()
        return process

"""API-key authentication: each dialect names the header, every dialect maps it to a library."""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from media_platform.models import Library
from media_platform.selectors.libraries import library_by_key
from media_platform.services.libraries import library_remember_key


@dataclass(frozen=True)
class LibraryAuth:
    library: Library
    read_only: bool


class LibraryKeyAuthentication(BaseAuthentication):
    """Subclasses say where the key is; request.auth becomes a LibraryAuth."""

    scheme_name = "ApiKey"

    def key(self, request) -> str | None:
        raise NotImplementedError

    def authenticate(self, request):
        key = self.key(request)
        if not key:
            raise exceptions.NotAuthenticated("Authentication credentials were not provided.")
        found = library_by_key(key)
        if found is None:
            raise exceptions.AuthenticationFailed("The API key is not valid.")
        library, read_only = found
        if not read_only and not library.api_key_encrypted:
            library_remember_key(library=library, key=key)
        return (None, LibraryAuth(library, read_only))

    def authenticate_header(self, request) -> str:
        return self.scheme_name  # makes DRF answer 401, not 403, when the key is missing


class HeaderKeyAuthentication(LibraryKeyAuthentication):
    header = "AccessKey"

    def key(self, request) -> str | None:
        return request.headers.get(self.header, "").strip() or None


class AuthorizationSchemeAuthentication(LibraryKeyAuthentication):
    """`Authorization: <scheme> <key>`: Bearer for vidinfra and the request API, Token for TPStreams."""

    scheme = "Bearer"

    def key(self, request) -> str | None:
        value = request.headers.get("Authorization", "")
        scheme, _, key = value.partition(" ")
        return key.strip() if scheme.lower() == self.scheme.lower() and key.strip() else None

    def authenticate_header(self, request) -> str:
        return self.scheme

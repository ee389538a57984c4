"""API-key authentication: each dialect names the header, every dialect maps it to a library."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from media_platform.selectors.libraries import library_by_key
from media_platform.services.libraries import library_remember_key


class LibraryKeyAuthentication(BaseAuthentication):
    """Subclasses say where the key is; request.auth becomes the KeyedLibrary."""

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
        if not found.read_only and not found.library.api_key_encrypted:
            library_remember_key(library=found.library, key=key)
        return (None, found)

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

from rest_framework.permissions import SAFE_METHODS, BasePermission


class KeyCanWrite(BasePermission):
    """Read-only keys read; only the full key writes."""

    message = "This API key is read-only."

    def has_permission(self, request, view) -> bool:
        auth = request.auth
        return auth is not None and (request.method in SAFE_METHODS or not auth.read_only)

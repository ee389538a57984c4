from __future__ import annotations

from django.db.models import Q

from media_platform.crypto import decrypt, hash_key
from media_platform.models import Library, LibraryContentVersion


def library_by_key(key: str) -> tuple[Library, bool] | None:
    """(library, read_only) for an API key, or None."""
    if not key:
        return None
    digest = hash_key(key)
    library = Library.objects.filter(Q(api_key_hash=digest) | Q(read_only_api_key_hash=digest)).first()
    if library is None:
        return None
    return library, library.read_only_api_key_hash == digest


def library_content_version(*, library_id: int) -> int:
    """The count of changes to what the library's video list shows (see LibraryContentVersion)."""
    version = LibraryContentVersion.objects.filter(library_id=library_id).values_list("version", flat=True).first()
    return version or 0


def library_api_key(library: Library) -> str | None:
    """The clear API key, for checking presigned upload signatures; None while only its hash is known."""
    return decrypt(library.api_key_encrypted) or None

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from media_platform.crypto import decrypt, hash_key
from media_platform.models import Library, LibraryContentVersion

KEPT_KEYS = 1024  # API keys whose library each process keeps (the least recently used go first)
VERSION_SQL = f"SELECT version FROM {LibraryContentVersion._meta.db_table} WHERE library_id = %s"


@dataclass(frozen=True)
class KeyedLibrary:
    """The library an API key opens, whether the key is its read-only one, and the library's
    content version read in the same statement as the library (see LibraryContentVersion)."""

    library: Library
    read_only: bool
    content_version: int


_kept: OrderedDict[str, KeyedLibrary] = OrderedDict()
_kept_lock = threading.Lock()


def library_by_key(key: str) -> KeyedLibrary | None:
    """The library an API key opens, or None.

    Each process keeps what it found under the library's content version, which every change to
    the library row counts (a key reset, a deletion, a setting; database triggers, at commit). A
    request whose key was found before reads that version alone, one indexed row, and takes the
    library it kept while the version is the same; any other version means a fresh lookup. The
    lookup reads the library and its version in one statement, so what is kept is never older
    than its version. Inside a transaction its own changes are not counted yet (PostgreSQL counts
    at commit): looked up afresh each time, as the video list's kept pages are.
    """
    if not key:
        return None
    digest = hash_key(key)
    keep = not connection.in_atomic_block
    if keep:
        with _kept_lock:
            kept = _kept.get(digest)
            if kept is not None:
                _kept.move_to_end(digest)
        if kept is not None and library_content_version(library_id=kept.library.pk) == kept.content_version:
            return replace(kept, library=copy.copy(kept.library))  # a request may change its copy
    version = LibraryContentVersion.objects.filter(library_id=OuterRef("pk")).values("version")
    library = (
        Library.objects.filter(Q(api_key_hash=digest) | Q(read_only_api_key_hash=digest))
        .annotate(content_version=Coalesce(Subquery(version), Value(0)))
        .first()
    )
    if library is None:
        return None
    found = KeyedLibrary(library, library.read_only_api_key_hash == digest, library.content_version)
    if keep:
        with _kept_lock:
            _kept[digest] = replace(found, library=copy.copy(library))
            _kept.move_to_end(digest)
            while len(_kept) > KEPT_KEYS:
                _kept.popitem(last=False)
    return found


def library_content_version(*, library_id: int) -> int:
    """The count of changes to what the library's video list shows (see LibraryContentVersion)."""
    # Every API request with a kept key reads this, so it is written as SQL: through the ORM the
    # same read took 307 µs of CPU, as SQL 122 µs (PostgreSQL, two cores): the ORM composing it.
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL, [library_id])
        row = cursor.fetchone()
    return row[0] if row else 0


def library_api_key(library: Library) -> str | None:
    """The clear API key, for checking presigned upload signatures; None while only its hash is known."""
    return decrypt(library.api_key_encrypted) or None

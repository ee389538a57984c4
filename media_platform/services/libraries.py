from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from media_platform.crypto import encrypt, hash_key
from media_platform.engine.ladder import DEFAULT_ENABLED, parse_resolutions
from media_platform.models import Library
from media_platform.services.pipeline import encoding_process_cancel
from media_platform.services.queueing import enqueue_on_commit
from media_platform.status import ACTIVE_STATUSES


@dataclass(frozen=True)
class LibraryKeys:
    api_key: str
    read_only_api_key: str


def _new_key() -> str:
    return secrets.token_urlsafe(36)


def _assign_keys(library: Library) -> LibraryKeys:
    keys = LibraryKeys(api_key=_new_key(), read_only_api_key=_new_key())
    library.api_key_hash = hash_key(keys.api_key)
    library.api_key_hint = keys.api_key[-4:]
    library.api_key_encrypted = encrypt(keys.api_key)
    library.read_only_api_key_hash = hash_key(keys.read_only_api_key)
    library.read_only_api_key_hint = keys.read_only_api_key[-4:]
    # bunny signs webhooks with the read-only key; so do we, until an operator sets another.
    library.webhook_secret_encrypted = encrypt(keys.read_only_api_key)
    return keys


@transaction.atomic
def library_create(
    *,
    name: str,
    webhook_url: str = "",
    enabled_resolutions: str | None = None,
    mp4_fallback: bool = False,
) -> tuple[Library, LibraryKeys]:
    library = Library(
        name=name,
        webhook_url=webhook_url,
        enabled_resolutions=",".join(parse_resolutions(enabled_resolutions or ",".join(DEFAULT_ENABLED))),
        mp4_fallback=mp4_fallback,
    )
    keys = _assign_keys(library)
    library.save()
    return library, keys


@transaction.atomic
def library_regenerate_keys(*, library: Library) -> LibraryKeys:
    keys = _assign_keys(library)
    library.save(
        update_fields=[
            "api_key_hash",
            "api_key_hint",
            "api_key_encrypted",
            "read_only_api_key_hash",
            "read_only_api_key_hint",
            "webhook_secret_encrypted",
        ]
    )
    return keys


def library_remember_key(*, library: Library, key: str) -> None:
    """Keys made before presigned uploads were kept only as hashes. The first request that shows
    the clear key (bunny's flow always creates the video with it before a TUS upload) keeps it
    encrypted, so its upload signatures can be checked without asking anyone to change keys."""
    if library.api_key_encrypted or hash_key(key) != library.api_key_hash:
        return
    library.api_key_encrypted = encrypt(key)
    Library.objects.filter(pk=library.pk, api_key_encrypted="").update(api_key_encrypted=library.api_key_encrypted)


@transaction.atomic
def library_delete(*, library: Library) -> None:
    """The library, its videos, collections and processes now; their files right after."""
    for process in library.processes.filter(status__in=ACTIVE_STATUSES):
        encoding_process_cancel(process=process)
    prefixes = [f"videos/{guid}" for guid in library.videos.values_list("guid", flat=True)]
    prefixes += [f"originals/{library.pk}", f"libraries/{library.pk}"]
    library.delete()
    enqueue_on_commit("low", "media_platform.jobs.maintenance.delete_prefixes", prefixes)

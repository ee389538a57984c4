from __future__ import annotations

from django.db import transaction

from media_platform.models import Collection, Library


@transaction.atomic
def collection_create(*, library: Library, name: str) -> Collection:
    return Collection.objects.create(library=library, name=name)


@transaction.atomic
def collection_update(*, collection: Collection, name: str) -> Collection:
    collection.name = name
    collection.save(update_fields=["name"])
    return collection


@transaction.atomic
def collection_delete(*, collection: Collection) -> None:
    """The videos stay; they just leave the collection (SET_NULL)."""
    collection.delete()

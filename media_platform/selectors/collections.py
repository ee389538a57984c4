from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce, RowNumber

from media_platform.models import Collection, Library, Video

PREVIEW_COUNT = 3


def collection_list(
    *, library: Library, search: str | None = None, order_by: str | None = None
) -> QuerySet[Collection]:
    queryset = Collection.objects.filter(library=library).annotate(
        video_count=Count("videos"), total_size=Coalesce(Sum("videos__storage_size"), 0)
    )
    if search:
        queryset = queryset.filter(name__icontains=search)
    ordering = "name" if (order_by or "").lower() == "name" else "-created_at"
    return queryset.order_by(ordering, "-id")


def attach_previews(collections: list[Collection]) -> None:
    """The newest few video guids of each collection, in one query for the whole page."""
    ranked = (
        Video.objects.filter(collection__in=collections)
        .annotate(rank=Window(RowNumber(), partition_by=[F("collection_id")], order_by=F("date_uploaded").desc()))
        .filter(rank__lte=PREVIEW_COUNT)
        .values_list("collection_id", "guid")
    )
    found = defaultdict(list)
    for collection_id, guid in ranked:
        found[collection_id].append(guid)
    for collection in collections:
        collection.preview_ids = found.get(collection.pk, [])  # type: ignore[attr-defined]  # for the serializer


def collection_get(*, library: Library, guid) -> Collection | None:
    return collection_list(library=library).filter(Q(guid=guid)).first()

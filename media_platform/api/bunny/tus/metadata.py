"""bunny's upload metadata: title, collection (a collection GUID of the library) and
thumbnailTime (milliseconds); filetype is kept with the rest and echoed back."""

from __future__ import annotations

from media_platform.api.bunny.base import is_uuid
from media_platform.models import Collection, Library
from media_platform.models.video import MAX_THUMBNAIL_TIME_MS
from media_platform.tus.protocol import ProtocolError, metadata_text


def bunny_metadata(library: Library, pairs: dict[str, bytes]) -> dict:
    details: dict = {"title": metadata_text(pairs, "title")}
    if title := details["title"]:
        details["title"] = title[:500]
    if collection_id := metadata_text(pairs, "collection"):
        collections = Collection.objects.filter(library=library)
        collection = collections.filter(guid=collection_id).first() if is_uuid(collection_id) else None
        if collection is None:
            raise ProtocolError(400, f"Collection {collection_id[:40]!r} is not in this library.")
        details["collection"] = collection
    if thumbnail_time := metadata_text(pairs, "thumbnailTime"):
        if not thumbnail_time.isdigit() or int(thumbnail_time) > MAX_THUMBNAIL_TIME_MS:
            raise ProtocolError(400, "thumbnailTime must be milliseconds (a non-negative integer).")
        details["thumbnail_time"] = int(thumbnail_time)
    return details

"""Each dialect's webhook body, exactly as its service sends it: bunny here, the others in their own module."""

from __future__ import annotations

from typing import Any


def bunny_payload(*, library_id: int, video_guid: str, status: int) -> dict[str, Any]:
    return {"VideoLibraryId": library_id, "VideoGuid": video_guid, "Status": status}

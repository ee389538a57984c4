from __future__ import annotations

import pytest

from media_platform.models import Library, Video


def make_videos(library: Library, count: int, *, prefix: str = "Bulk", **fields) -> list[Video]:
    """`count` videos in one INSERT, each with an original (that need not exist for queueing)."""
    fields.setdefault("has_original", True)
    rows = [
        Video(library=library, title=f"{prefix} {i:04d}", original_name=f"originals/{prefix}-{i}", **fields)
        for i in range(count)
    ]
    Video.objects.bulk_create(rows)
    return list(Video.objects.filter(library=library, title__startswith=prefix).order_by("pk"))


@pytest.fixture
def videos(library_keys):
    def make(count: int, **fields) -> list[Video]:
        return make_videos(library_keys.library, count, **fields)

    return make

from __future__ import annotations

import pytest

from media_platform.models import Library, Video
from media_platform.services.libraries import library_create
from media_platform.storage import save_bytes


@pytest.fixture
def library(db) -> Library:
    library, _keys = library_create(name="Admin library")
    return library


@pytest.fixture
def make_video(library):
    """make_video(title=..., original=True, **fields): a saved Video; original=True stores a (fake) original."""

    def make(title: str = "Clip", *, original: bool = False, **fields) -> Video:
        fields.setdefault("library", library)
        video = Video.objects.create(title=title, **fields)
        if original:
            video.original_name = save_bytes(f"originals/{video.library_id}/{video.guid}/src", b"not really a video")
            video.has_original = True
            video.save(update_fields=["original_name", "has_original"])
        return video

    return make


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []

from __future__ import annotations

import pytest

from media_platform.models import Library, Video
from media_platform.services.libraries import library_create


@pytest.fixture
def library(db) -> Library:
    library, _keys = library_create(name="Query library")
    return library


@pytest.fixture
def make_video(library):
    """make_video(title=..., **fields) → a saved Video in ``library`` unless another is given."""

    def make(**fields) -> Video:
        fields.setdefault("library", library)
        return Video.objects.create(**fields)

    return make

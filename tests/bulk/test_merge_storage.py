"""Copying kept renditions into a new prefix: hard links locally, server-side copies on S3."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from media_platform.storage import copy_tree, list_files, open_read, save_bytes


def fill(prefix: str) -> None:
    save_bytes(f"{prefix}/360p/video.m3u8", b"#EXTM3U\n")
    save_bytes(f"{prefix}/360p/video0.ts", b"\x47" * 188)
    save_bytes(f"{prefix}/360p-other/x.ts", b"not this rendition")


def test_local_copies_are_hard_links(tmp_path):
    fill("videos/merge-local/old")
    assert copy_tree("videos/merge-local/old/360p", "videos/merge-local/new/360p") == 2
    assert list_files("videos/merge-local/new") == [
        "videos/merge-local/new/360p/video.m3u8",
        "videos/merge-local/new/360p/video0.ts",
    ]
    old, new = (Path(settings.MEDIA_ROOT) / f"videos/merge-local/{p}/360p/video0.ts" for p in ("old", "new"))
    assert os.stat(old).st_ino == os.stat(new).st_ino


@pytest.mark.django_db(transaction=True)
def test_s3_copies_stay_on_the_server(s3, s3_storage):
    bucket = s3_storage
    fill("videos/merge-s3/old")
    assert copy_tree("videos/merge-s3/old/360p", "videos/merge-s3/new/360p") == 2
    assert s3.keys(bucket, "videos/merge-s3/new/") == [
        "videos/merge-s3/new/360p/video.m3u8",
        "videos/merge-s3/new/360p/video0.ts",
    ]
    with open_read("videos/merge-s3/new/360p/video0.ts") as handle:
        assert handle.read() == b"\x47" * 188

"""Partial recomputes: conversionNames re-encodes only those renditions and keeps the others."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from media_platform.models import BulkCommand, EncodingOutput, EncodingProcess, Video
from media_platform.services.bulk import bulk_command_create
from media_platform.storage import delete_prefix
from tests.support.bunny import create_video, served, upload
from tests.support.media import decodes
from tests.support.workers import run_burst

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers]


def media(prefix: str, name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / prefix / name


@pytest.fixture
def two_renditions(bunny, library_keys, clip) -> Video:
    """A video published with 240p and 360p (the smallest source that has both: 640x360, 1 s)."""
    library_keys.library.enabled_resolutions = "240p,360p"
    library_keys.library.save()
    guid = create_video(bunny, library_keys.id, "ladder")
    upload(bunny, library_keys.id, guid, clip("ladder-360.mp4", size="640x360", duration=1))
    run_burst()
    video = Video.objects.get(guid=guid)
    assert video.status == 4 and video.available_resolutions == "240p,360p"
    return video


def recompute(video: Video, names: str) -> BulkCommand:
    command = bulk_command_create(
        query=f"SELECT * FROM Document WHERE ecm:uuid = '{video.guid}'",
        action=BulkCommand.Action.RECOMPUTE,
        conversion_names=names,
    )
    run_burst()
    command.refresh_from_db()
    return command


def test_only_the_named_rendition_is_reencoded_and_the_others_are_kept(two_renditions, client):
    old = two_renditions
    old_360 = media(old.outputs_prefix, "360p/video.m3u8")

    command = recompute(old, "240p")

    assert command.state == "COMPLETED" and command.processed == 1
    video = Video.objects.get(pk=old.pk)
    process = EncodingProcess.objects.filter(video=video).order_by("-created_at", "-id").first()
    assert process.status == "FINISHED", process.fail_message
    assert process.recipe == {"name": "bunny_video", "video_info": "missing", "resolutions": ["240p"], "merge": True}
    assert video.outputs_prefix != old.outputs_prefix and video.available_resolutions == "240p,360p"
    # Only 240p was encoded …
    assert "240p/video" in process.command and "360p/video" not in process.command
    # … 360p is the very same files, linked into the new prefix …
    new_360 = media(video.outputs_prefix, "360p/video.m3u8")
    assert new_360.read_bytes() == old_360.read_bytes() and os.stat(new_360).st_ino == os.stat(old_360).st_ino
    # … and the master lists both.
    master = served(client, str(video.guid), "playlist.m3u8").decode()
    assert "240p/video.m3u8" in master and "360p/video.m3u8" in master
    assert master.count("#EXT-X-STREAM-INF") == 2
    # The process's outputs describe the whole set, so a later partial recompute can keep them too.
    variants = EncodingOutput.objects.filter(job__process=process, role="variant")
    assert set(variants.values_list("rendition", flat=True)) == {"240p", "360p"}
    assert video.storage_size > video.original_size

    delete_prefix(old.outputs_prefix)  # the old set goes after its grace period; the new one stands alone
    for name in ("playlist.m3u8", "240p/video.m3u8", "360p/video.m3u8"):
        assert decodes(media(video.outputs_prefix, name)), name


def test_two_partial_recomputes_in_a_row_keep_the_whole_ladder(two_renditions):
    recompute(two_renditions, "360p")
    recompute(two_renditions, "240p")
    video = Video.objects.get(pk=two_renditions.pk)
    assert video.available_resolutions == "240p,360p"
    master = media(video.outputs_prefix, "playlist.m3u8").read_text()
    assert master.count("#EXT-X-STREAM-INF") == 2
    assert decodes(media(video.outputs_prefix, "360p/video.m3u8"))


def test_without_conversion_names_every_enabled_rendition_is_reencoded(two_renditions):
    command = recompute(two_renditions, "")
    process = EncodingProcess.objects.filter(video=two_renditions).order_by("-created_at", "-id").first()
    assert command.state == "COMPLETED" and process.status == "FINISHED"
    assert "merge" not in process.recipe
    assert "240p/video" in process.command and "360p/video" in process.command

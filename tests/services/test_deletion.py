"""Deleting outputs, videos and libraries removes their files, and nothing else's."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from media_platform.models import Library, Video
from media_platform.services.libraries import library_create, library_delete
from media_platform.services.videos import video_outputs_delete
from tests.support.bunny import create_video, get_video, upload
from tests.support.workers import run_burst

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.workers]


def test_deleting_outputs_keeps_the_original_and_a_reencode_brings_them_back(bunny, library_keys, clip, client):
    guid = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, guid, clip("outputs.mp4", duration=1))
    run_burst()
    video = Video.objects.get(guid=guid)
    folder = Path(settings.MEDIA_ROOT) / video.outputs_prefix
    assert (folder / "playlist.m3u8").exists()

    video_outputs_delete(video=video)
    run_burst()
    after = get_video(bunny, library_keys.id, guid)
    assert (after["status"], after["availableResolutions"], after["hasOriginal"]) == (1, None, True)
    assert not folder.exists() and client.get(f"/{guid}/playlist.m3u8").status_code == 404

    assert bunny.post(f"/library/{library_keys.id}/videos/{guid}/reencode").status_code == 200
    run_burst()
    assert get_video(bunny, library_keys.id, guid)["status"] == 4
    assert client.get(f"/{guid}/playlist.m3u8").status_code == 200


def test_deleting_a_library_removes_its_files_and_leaves_others(bunny, library_keys, clip):
    from rest_framework.test import APIClient

    other, other_keys = library_create(name="Other")
    api = APIClient()
    api.credentials(HTTP_ACCESSKEY=other_keys.api_key)
    kept = create_video(api, other.pk)
    upload(api, other.pk, kept, clip("kept.mp4", duration=1))
    gone = create_video(bunny, library_keys.id)
    upload(bunny, library_keys.id, gone, clip("gone.mp4", duration=1))
    run_burst()
    media = Path(settings.MEDIA_ROOT)

    library_delete(library=library_keys.library)
    run_burst()

    assert not Library.objects.filter(pk=library_keys.id).exists() and not Video.objects.filter(guid=gone).exists()
    assert not (media / "videos" / gone).exists() and not (media / "originals" / str(library_keys.id)).exists()
    assert (media / "videos" / kept).exists() and Video.objects.get(guid=kept).status == 4

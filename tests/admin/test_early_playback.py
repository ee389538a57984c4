"""The admin says what plays before the ladder is done: the badges of statuses 7 and 8, which
renditions play and from what (JIT, with its stored segments; the source remuxed), the ladder's
progress; and a library's JIT setting."""

from __future__ import annotations

import pytest
from django.urls import reverse

from media_platform.models import Library, PlaybackPlan
from media_platform.status import VideoStatus
from media_platform.storage import save_bytes

pytestmark = pytest.mark.django_db


def plan(video, kind: str, renditions: list[str], segments: int) -> PlaybackPlan:
    prefix = f"videos/{video.guid}/{kind}-abc"
    video.outputs_prefix = prefix
    video.save(update_fields=["outputs_prefix"])
    return PlaybackPlan.objects.create(
        video=video, kind=kind, prefix=prefix, source_name="originals/x", source_info={"format_name": "mov",
        "duration": 12.0}, renditions=renditions, starts=[0.0, 4.0, 8.0][:segments],
        durations=[4.0] * segments, decode_from=[0.0] * segments,
    )  # fmt: skip


def test_a_jit_video_page_shows_what_plays_and_the_ladders_progress(admin_client, make_video):
    video = make_video(
        "Jit", status=VideoStatus.JIT_PLAYLISTS_CREATED, encode_progress=37, available_resolutions="240p,360p"
    )
    jit = plan(video, "jit", ["240p", "360p"], 3)
    save_bytes(f"{jit.prefix}/240p/video0.ts", b"G" * 188)
    save_bytes(f"{jit.prefix}/240p/video1.ts", b"G" * 188)
    save_bytes(f"{jit.prefix}/240p/video.m3u8", b"#EXTM3U\n")

    html = admin_client.get(reverse("admin:media_platform_video_change", args=[video.pk])).content.decode()

    assert "JIT playable" in html and 'data-mp-badge="video"' in html
    assert "240p — JIT · 2/3 segments stored" in html and "360p — JIT · 0/3 segments stored" in html
    assert "Ladder: 37% encoded in the background" in html
    assert f'data-hls-src="/{video.guid}/playlist.m3u8"' in html  # the player plays the JIT renditions


def test_a_fast_start_and_a_finished_video(admin_client, make_video):
    copying = make_video("Copy", status=VideoStatus.TRANSCODING, encode_progress=5, available_resolutions="720p")
    plan(copying, "copy", ["source"], 2)
    html = admin_client.get(reverse("admin:media_platform_video_change", args=[copying.pk])).content.decode()
    assert "source — source, remuxed · 0/2 segments stored" in html and "Ladder: 5% encoded" in html

    done = make_video(
        "Done", status=VideoStatus.FINISHED, outputs_prefix="videos/x/p", available_resolutions="240p,720p"
    )
    html = admin_client.get(reverse("admin:media_platform_video_change", args=[done.pk])).content.decode()
    assert "240p — ladder" in html and "720p — ladder" in html and "Ladder: done" in html


def test_the_video_list_badges_know_the_jit_statuses(admin_client, make_video):
    make_video("Planning", status=VideoStatus.JIT_SEGMENTING)
    make_video("Playable", status=VideoStatus.JIT_PLAYLISTS_CREATED, encode_progress=12)
    html = admin_client.get(reverse("admin:media_platform_video_changelist")).content.decode()
    assert "JIT segmenting" in html and "JIT playable" in html


def test_the_library_page_sets_jit(admin_client):
    library = Library.objects.create(name="L", api_key_hash="a" * 64, read_only_api_key_hash="b" * 64)
    url = reverse("admin:media_platform_library_change", args=[library.pk])
    assert 'name="jit_encoding_enabled"' in admin_client.get(url).content.decode()
    form = {"name": "L", "enabled_resolutions": ["360p"], "jit_encoding_enabled": "on", "keep_original": "on",
            "max_concurrent_processes": 5, "requests_per_minute": 10}  # fmt: skip
    assert admin_client.post(url, form).status_code == 302
    library.refresh_from_db()
    assert library.jit_encoding_enabled

"""The video page: player, messages with names, outputs of the published encode, history, buttons;
and the progress endpoint the pages poll."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from media_platform.engine.issues import IssueCode, Severity
from media_platform.models import EncodingJob, EncodingOutput, EncodingProcess, TranscodingMessage, Video
from media_platform.status import ProcessStatus, VideoStatus
from tests.admin.conftest import messages_of

pytestmark = pytest.mark.django_db


def process(video, status, *, minutes_ago=0, outputs=()):
    created = timezone.now() - timedelta(minutes=minutes_ago)
    row = EncodingProcess.objects.create(
        library=video.library, video=video, status=status, created_at=created, started_at=created,
        finished_at=created + timedelta(seconds=42), progress=100 if status == ProcessStatus.FINISHED else 30,
        command="ffmpeg -i source -filter_complex split=2 …",
    )  # fmt: skip
    job = EncodingJob.objects.create(process=row, index=0, kind="hls", spec={}, status=status)
    for path, rendition, size in outputs:
        EncodingOutput.objects.create(job=job, path=path, role="variant", rendition=rendition, size=size, width=640,
                                      height=360, duration=2.0, video_codec="h264", audio_codec="aac")  # fmt: skip
    return row


def test_the_video_page_has_everything_an_operator_checks(admin_client, make_video):
    video = make_video("Shown", status=VideoStatus.FINISHED, outputs_prefix="videos/x/new", length=2)
    process(video, ProcessStatus.FINISHED, minutes_ago=10, outputs=[("360p/old.m3u8", "360p", 1)])
    newest = process(video, ProcessStatus.FINISHED, minutes_ago=5, outputs=[("360p/video.m3u8", "360p", 123456)])
    process(video, ProcessStatus.FAILED, minutes_ago=1)  # a failed retry does not replace the published set
    TranscodingMessage.objects.create(video=video, level=Severity.ERROR, issue_code=IssueCode.INVALID_FRAMERATE,
                                      message="The framerate is 0")  # fmt: skip

    response = admin_client.get(reverse("admin:media_platform_video_change", args=[video.pk]))
    html = response.content.decode()

    assert response.status_code == 200
    assert f'data-hls-src="/{video.guid}/playlist.m3u8"' in html
    assert "/static/vendor/hls.min.js" in html and "/static/media_platform/player.js" in html
    assert "Error (3)" in html and "InvalidFramerate (4)" in html and "The framerate is 0" in html
    assert "<code>360p/video.m3u8</code>" in html and "120.6\xa0KB" in html and "360p/old.m3u8" not in html
    assert html.count('data-mp-badge="process"') == 3 and newest.public_id in html
    assert reverse("admin:media_platform_video_reencode", args=[video.pk]) in html


def test_the_reencode_button_queues_a_process(admin_client, make_video):
    video = make_video("Again", original=True)
    response = admin_client.post(reverse("admin:media_platform_video_reencode", args=[video.pk]), follow=True)
    process = EncodingProcess.objects.get(video=video)
    assert messages_of(response) == [f"Queued “Again” for reencoding (process {process.public_id})."]
    assert response.redirect_chain[-1][0] == reverse("admin:media_platform_video_change", args=[video.pk])


def test_the_reencode_button_says_when_there_is_no_original(admin_client, make_video):
    video = make_video("Empty")
    response = admin_client.post(reverse("admin:media_platform_video_reencode", args=[video.pk]), follow=True)
    assert messages_of(response) == ["“Empty” has no original to encode from."]
    assert not EncodingProcess.objects.exists()


def test_editing_title_and_collection(admin_client, make_video, library):
    from media_platform.models import Collection

    video = make_video("Old title")
    collection = Collection.objects.create(library=library, name="Trailers")
    url = reverse("admin:media_platform_video_change", args=[video.pk])
    response = admin_client.post(url, {
        "title": "New title", "collection": collection.pk,
        "transcoding_messages-TOTAL_FORMS": 0, "transcoding_messages-INITIAL_FORMS": 0,
        "processes-TOTAL_FORMS": 0, "processes-INITIAL_FORMS": 0,
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    video.refresh_from_db()
    assert video.title == "New title" and video.collection == collection


def test_the_progress_endpoint_reports_the_videos_asked_for(admin_client, make_video):
    running = make_video("Running", status=VideoStatus.TRANSCODING, encode_progress=57)
    done = make_video("Done", status=VideoStatus.FINISHED, encode_progress=100)
    url = reverse("admin:media_platform_video_progress")
    body = admin_client.get(url, {"ids": f"{running.pk},{done.pk},nope,999999"}).json()
    assert body == {
        "video": {
            str(running.pk): {"label": "Transcoding", "tone": "active", "progress": 57, "active": True},
            str(done.pk): {"label": "Finished", "tone": "done", "progress": 100, "active": False},
        }
    }


def test_the_progress_endpoints_are_staff_only(client, django_user_model, make_video):
    video = make_video("Secret", status=VideoStatus.TRANSCODING)
    url = reverse("admin:media_platform_video_progress") + f"?ids={video.pk}"
    assert client.get(url).status_code == 302  # to the login page
    django_user_model.objects.create_user("viewer", password="pw-12345678", is_staff=False)
    client.login(username="viewer", password="pw-12345678")
    assert client.get(url).status_code == 302


def test_admin_index_links_to_the_rq_dashboard(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert 'href="/admin/rq/"' in html
    assert admin_client.get("/admin/rq/").status_code == 200


def test_a_video_with_no_outputs_has_no_player(admin_client, make_video):
    video = make_video("Fresh")
    html = admin_client.get(reverse("admin:media_platform_video_change", args=[video.pk])).content.decode()
    assert "data-hls-src" not in html and "No outputs are published yet" in html
    assert Video.objects.count() == 1

"""Video actions queue work through the services and say how much they queued."""

from __future__ import annotations

import django_rq
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from media_platform.models import EncodingProcess, Video
from media_platform.status import ProcessStatus, VideoStatus
from tests.admin.conftest import messages_of

pytestmark = pytest.mark.django_db
URL = reverse("admin:media_platform_video_changelist")


def queued_jobs() -> int:
    return django_rq.get_queue("default").count


def act(client, action, videos, url=URL, **extra):
    data = {"action": action, "index": 0, ACTION_CHECKBOX_NAME: [v.pk for v in videos], **extra}
    return client.post(url, data, follow=True)


def test_reencode_queues_each_video_with_an_original_and_reports_counts(
    admin_client, make_video, django_capture_on_commit_callbacks
):
    # given two videos with an original and one without
    ready = [make_video("One", original=True), make_video("Two", original=True)]
    bare = make_video("Three")

    # when the operator runs Reencode over the three
    with django_capture_on_commit_callbacks(execute=True):
        response = act(admin_client, "reencode_videos", [*ready, bare])

    # then two processes are queued (rows and RQ jobs), and the page says so
    assert response.status_code == 200
    assert messages_of(response) == ["Queued 2 videos for reencoding. Skipped 1: no original to encode from."]
    processes = EncodingProcess.objects.filter(video__in=ready)
    assert processes.count() == 2 and set(processes.values_list("status", flat=True)) == {ProcessStatus.ENQUEUED}
    assert not EncodingProcess.objects.filter(video=bare).exists()
    assert queued_jobs() == 2
    assert set(Video.objects.filter(pk__in=[v.pk for v in ready]).values_list("status", flat=True)) == {
        VideoStatus.UPLOADED
    }


def test_select_across_applies_to_the_whole_query_result(admin_client, make_video):
    make_video("keep a", original=True)
    make_video("keep b", original=True)
    other = make_video("other", original=True)
    url = URL + "?query=title+LIKE+%27keep%25%27"
    response = act(admin_client, "reencode_videos", Video.objects.filter(title__startswith="keep")[:1], url=url,
                   select_across=1)  # fmt: skip
    assert messages_of(response) == ["Queued 2 videos for reencoding."]
    assert not EncodingProcess.objects.filter(video=other).exists()


def test_recompute_asks_for_renditions_then_queues_with_them(admin_client, make_video):
    videos = [make_video("A", original=True), make_video("B", original=True), make_video("C")]

    # the first step is a form, nothing is queued yet
    form = act(admin_client, "recompute_videos", videos)
    html = form.content.decode()
    assert "Recompute the conversions of <strong>3 videos</strong>" in html
    assert 'name="conversion_names" value="720p"' in html and 'name="recompute_all_video_info"' in html
    assert not EncodingProcess.objects.exists()

    # the second queues a process per video with an original, with the chosen ladder
    response = act(
        admin_client, "recompute_videos", videos, apply=1, conversion_names=["360p", "720p"],
        recompute_all_video_info="on",
    )  # fmt: skip
    assert messages_of(response) == ["Queued 2 videos for recomputing 360p, 720p. Skipped 1: no original."]
    # the same work a recompute bulk command starts: the renditions merged into the published set
    recipes = list(EncodingProcess.objects.values_list("recipe", flat=True))
    expected = {"name": "bunny_video", "video_info": "all", "resolutions": ["360p", "720p"], "merge": True}
    assert recipes == [expected] * 2
    assert set(EncodingProcess.objects.values_list("dialect", "status")) == {("admin", ProcessStatus.ENQUEUED)}


def test_recompute_refuses_unknown_renditions(admin_client, make_video):
    video = make_video("A", original=True)
    response = act(admin_client, "recompute_videos", [video], apply=1, conversion_names=["999p"])
    assert "Select a valid choice" in response.content.decode()
    assert not EncodingProcess.objects.exists()


def test_too_large_a_selection_points_to_the_bulk_command(admin_client, make_video, monkeypatch):
    from media_platform.admin import video_actions

    monkeypatch.setattr(video_actions, "MAX_ACTION_VIDEOS", 1)
    videos = [make_video("A", original=True), make_video("B", original=True)]
    response = act(admin_client, "reencode_videos", videos)
    assert "an action takes at most 1" in messages_of(response)[0]
    assert not EncodingProcess.objects.exists()


def test_deleting_a_video_goes_through_the_service(admin_client, make_video, django_capture_on_commit_callbacks):
    video = make_video("Doomed", original=True)
    url = reverse("admin:media_platform_video_delete", args=[video.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200 and not Video.objects.filter(pk=video.pk).exists()
    assert django_rq.get_queue("low").count == 2  # its outputs and its original are removed by a job

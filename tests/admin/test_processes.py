"""Encoding processes: the page shows what ran; Retry and Cancel go through the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from media_platform.models import EncodingJob, EncodingProcess, Video
from media_platform.services.pipeline import encoding_process_cancel
from media_platform.status import ProcessStatus, VideoStatus
from tests.admin.conftest import messages_of
from tests.support.bunny import create_video, upload
from tests.support.workers import run_burst

LIST = reverse("admin:media_platform_encodingprocess_changelist")


def make_process(library, status, **fields) -> EncodingProcess:
    process = EncodingProcess.objects.create(
        library=library, status=status, source={"kind": "storage", "name": "x"}, destination={"kind": "video"},
        recipe={"name": "bunny_video"}, **fields,
    )  # fmt: skip
    EncodingJob.objects.create(process=process, index=0, kind="hls", spec={}, status=status, progress=33)
    return process


@pytest.mark.workers
@pytest.mark.django_db(transaction=True)
def test_a_cancelled_process_retried_from_the_admin_finishes(admin_client, bunny, library_keys, clip):
    # given an uploaded clip whose process was cancelled before any worker took it
    guid = create_video(bunny, library_keys.id, title="Retry me")
    upload(bunny, library_keys.id, guid, clip("admin-retry.mp4", duration=1))
    process = EncodingProcess.objects.get(video__guid=guid)
    encoding_process_cancel(process=process)
    run_burst()
    assert EncodingProcess.objects.get(pk=process.pk).status == ProcessStatus.CANCELLED

    # when the operator retries it
    response = admin_client.post(LIST, {"action": "retry_processes", "index": 0, "_selected_action": [process.pk]},
                                 follow=True)  # fmt: skip
    assert messages_of(response) == ["Queued 1 process again."]
    run_burst()

    # then a worker runs it to the end and the video plays
    process.refresh_from_db()
    assert process.status == ProcessStatus.FINISHED and process.generation == 1 and process.progress == 100
    assert Video.objects.get(guid=guid).status == VideoStatus.FINISHED
    page = admin_client.get(reverse("admin:media_platform_encodingprocess_change", args=[process.pk]))
    html = page.content.decode()
    assert "ffmpeg" in html and 'class="mp-pre mp-command"' in html and "Finished" in html
    assert "took" in html and "queued" in html


@pytest.mark.django_db
def test_retry_skips_what_has_not_failed_and_cancel_skips_what_is_done(admin_client, library):
    failed = make_process(library, ProcessStatus.FAILED, fail_message="The original is corrupt")
    running = make_process(library, ProcessStatus.PROCESSING)
    response = admin_client.post(LIST, {"action": "retry_processes", "index": 0,
                                        "_selected_action": [failed.pk, running.pk]}, follow=True)  # fmt: skip
    assert messages_of(response) == ["Queued 1 process again. Skipped 1 that had not failed or been cancelled."]
    failed.refresh_from_db()
    assert failed.status == ProcessStatus.ENQUEUED and failed.generation == 1 and failed.fail_message == ""
    assert EncodingJob.objects.get(process=failed).progress == 0

    done = make_process(library, ProcessStatus.FINISHED)
    response = admin_client.post(LIST, {"action": "cancel_processes", "index": 0,
                                        "_selected_action": [running.pk, done.pk]}, follow=True)  # fmt: skip
    assert messages_of(response)[0].startswith("Cancelled 1 process;")
    assert EncodingProcess.objects.get(pk=running.pk).cancel_requested


@pytest.mark.django_db
def test_the_process_page_buttons_and_progress(admin_client, library):
    failed = make_process(library, ProcessStatus.FAILED, fail_message="Bad input", command="ffmpeg -i in out",
                          log_tail="[error] moov atom not found")  # fmt: skip
    url = reverse("admin:media_platform_encodingprocess_change", args=[failed.pk])
    html = admin_client.get(url).content.decode()
    assert "Bad input" in html and "ffmpeg -i in out" in html and "moov atom not found" in html
    assert reverse("admin:media_platform_encodingprocess_retry", args=[failed.pk]) in html
    assert reverse("admin:media_platform_encodingprocess_cancel", args=[failed.pk]) not in html
    assert 'name="_save"' not in html

    response = admin_client.post(reverse("admin:media_platform_encodingprocess_retry", args=[failed.pk]), follow=True)
    assert messages_of(response) == [f"Process {failed.public_id} queued again (generation 1)."]

    job = EncodingJob.objects.get(process=failed)
    body = admin_client.get(reverse("admin:media_platform_encodingprocess_progress"), {"ids": failed.pk}).json()
    assert body["process"][str(failed.pk)]["label"] == "Enqueued" and body["process"][str(failed.pk)]["active"]
    assert body["job"] == {str(job.pk): {"label": "Enqueued", "tone": "queued", "progress": 0, "active": True}}

    response = admin_client.post(reverse("admin:media_platform_encodingprocess_cancel", args=[failed.pk]), follow=True)
    assert messages_of(response) == [f"Process {failed.public_id} cancelled."]
    assert EncodingProcess.objects.get(pk=failed.pk).status == ProcessStatus.CANCELLED

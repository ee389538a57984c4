"""The scroll of a bulk command: batches, counters, abort, resuming after a crash, queries per batch."""

from __future__ import annotations

import time

import django_rq
import pytest
from django.db import transaction

from media_platform.jobs.bulk import scroll
from media_platform.models import BulkCommand, EncodingProcess, Video
from media_platform.query.errors import QuerySyntaxError
from media_platform.services import bulk as bulk_services
from media_platform.services.bulk import bulk_command_abort, bulk_command_create, bulk_command_reconcile
from media_platform.services.bulk import scroll as scroll_module
from media_platform.services.pipeline import encoding_process_create
from media_platform.status import BulkState, ProcessStatus, VideoStatus

pytestmark = pytest.mark.django_db
EVERY = "SELECT * FROM Document WHERE ecm:mixinType = 'Video'"


def create(run_callbacks, query: str = EVERY, **options) -> BulkCommand:
    options.setdefault("action", BulkCommand.Action.REENCODE)
    with run_callbacks(execute=True):
        return bulk_command_create(query=query, **options)


def step(command: BulkCommand, run_callbacks) -> BulkCommand:
    with run_callbacks(execute=True):
        scroll(str(command.command_id))
    command.refresh_from_db()
    return command


@pytest.fixture
def run_callbacks(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_a_command_is_scheduled_and_its_scroll_enqueued_after_commit(run_callbacks):
    command = create(run_callbacks, batch_size=7)
    assert command.state == BulkState.SCHEDULED and command.batch_size == 7
    assert command.processed == command.total == command.error_count == 0 and command.username == "system"
    jobs = django_rq.get_queue("default").get_jobs()
    expected = [("media_platform.jobs.bulk.scroll", (str(command.command_id),))]
    assert [(job.func_name, job.args) for job in jobs] == expected


def test_a_bad_query_is_refused_before_anything_is_stored(run_callbacks):
    with pytest.raises(QuerySyntaxError) as caught:
        create(run_callbacks, query="SELECT * FROM Document WHERE title = ")
    assert caught.value.position == 37 and "position 37" in caught.value.message
    assert not BulkCommand.objects.exists()


def test_every_matched_video_gets_one_new_process_and_the_others_none(videos, run_callbacks):
    matched = videos(5, prefix="Match")
    others = videos(3, prefix="Other")
    command = step(create(run_callbacks, query="SELECT * FROM Document WHERE title LIKE 'Match%'"), run_callbacks)
    assert command.state == BulkState.COMPLETED and command.processed == command.total == 5
    assert command.scroll_start and command.scroll_end and command.processing_end and command.completed
    assert command.processing_millis >= 0 and command.cursor == matched[-1].pk
    processes = EncodingProcess.objects.filter(video__in=matched)
    assert processes.count() == 5 and {p.status for p in processes} == {ProcessStatus.ENQUEUED}
    first = processes.first()
    assert first.recipe == {"name": "bunny_video"} and first.request["commandId"] == str(command.command_id)
    assert first.priority == "low" and first.source == {"kind": "storage", "name": first.video.original_name}
    assert not EncodingProcess.objects.filter(video__in=others).exists()
    assert set(Video.objects.filter(pk__in=[v.pk for v in matched]).values_list("status", flat=True)) == {
        VideoStatus.UPLOADED
    }
    # The RQ jobs carry the ids recorded on the processes, so reconcile sees them as live.
    queued = django_rq.get_queue("low").get_job_ids()
    assert sorted(queued) == sorted(processes.values_list("rq_job_id", flat=True))


def test_videos_without_an_original_are_counted_as_errors(videos, run_callbacks):
    videos(2, prefix="Good")
    broken = videos(3, prefix="Empty", has_original=False)
    command = step(create(run_callbacks), run_callbacks)
    assert (command.state, command.processed, command.error_count, command.total) == (BulkState.COMPLETED, 2, 3, 5)
    assert command.error is True and str(broken[0].guid) in command.error_message
    assert not EncodingProcess.objects.filter(video__in=broken).exists()


def test_a_running_process_of_a_matched_video_is_replaced(videos, run_callbacks):
    video = videos(1)[0]
    with run_callbacks(execute=True):
        old = encoding_process_create(
            library=video.library, video=video, source={"kind": "storage", "name": "x"}, destination={"kind": "video"},
            recipe={"name": "bunny_video"},
        )  # fmt: skip
    step(create(run_callbacks), run_callbacks)
    old.refresh_from_db()
    assert old.status == ProcessStatus.CANCELLED
    assert EncodingProcess.objects.filter(video=video, status=ProcessStatus.ENQUEUED).count() == 1


def test_a_library_scoped_command_touches_only_that_library(videos, run_callbacks, library_keys):
    from media_platform.services.libraries import library_create

    other, _ = library_create(name="Other")
    mine = videos(2)
    from tests.bulk.conftest import make_videos

    theirs = make_videos(other, 2, prefix="Theirs")
    command = step(create(run_callbacks, library=library_keys.library), run_callbacks)
    assert command.processed == 2
    assert EncodingProcess.objects.filter(video__in=mine).count() == 2
    assert not EncodingProcess.objects.filter(video__in=theirs).exists()


def test_a_thousand_videos_are_queued_in_seconds_with_bounded_queries_per_batch(
    videos, run_callbacks, django_assert_max_num_queries
):
    videos(1000)
    command = create(run_callbacks, batch_size=500)
    started = time.monotonic()
    for _ in range(3):  # two batches of 500, then one that finds no more and completes
        # A batch of 500: the count, one SELECT of the batch, one of active processes, the INSERTs
        # (SQLite takes 999 parameters a statement, so ~28 rows each), one UPDATE of the videos,
        # one of the command; RQ jobs go in one Redis pipeline.
        with django_assert_max_num_queries(30):
            command = step(command, run_callbacks)
    elapsed = time.monotonic() - started
    assert command.state == BulkState.COMPLETED and command.processed == command.total == 1000
    assert elapsed < 10, f"queueing 1,000 videos took {elapsed:.1f} s"
    assert EncodingProcess.objects.filter(status=ProcessStatus.ENQUEUED).count() == 1000
    assert django_rq.get_queue("low").count == 1000


def test_abort_stops_the_scroll_between_batches(videos, run_callbacks):
    videos(25)
    command = step(create(run_callbacks, batch_size=10), run_callbacks)
    assert command.state == BulkState.RUNNING and command.processed == 10 and command.total == 25

    with run_callbacks(execute=True):
        command = bulk_command_abort(command=command)
    assert command.state == BulkState.ABORTED and command.completed and command.processing_end
    command = step(command, run_callbacks)  # the next batch's job, already queued

    assert command.state == BulkState.ABORTED and command.processed == 10
    assert EncodingProcess.objects.count() == 10
    # Work already queued is left to finish.
    assert set(EncodingProcess.objects.values_list("status", flat=True)) == {ProcessStatus.ENQUEUED}


def test_abort_of_a_completed_command_changes_nothing(videos, run_callbacks):
    videos(1)
    command = step(create(run_callbacks), run_callbacks)
    assert bulk_command_abort(command=command).state == BulkState.COMPLETED


def test_a_crash_mid_batch_rolls_the_batch_back_and_a_rerun_resumes_from_the_cursor(videos, run_callbacks, monkeypatch):
    matched = videos(25)
    command = step(create(run_callbacks, batch_size=10), run_callbacks)
    real = scroll_module._progress

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(scroll_module, "_progress", crash)
    with pytest.raises(RuntimeError):
        step(command, run_callbacks)
    command.refresh_from_db()
    assert command.processed == 10 and command.cursor == matched[9].pk
    assert EncodingProcess.objects.count() == 10  # the second batch left nothing behind

    monkeypatch.setattr(scroll_module, "_progress", real)
    while command.state != BulkState.COMPLETED:
        command = step(command, run_callbacks)
    assert command.processed == command.total == 25
    per_video = EncodingProcess.objects.values_list("video_id", flat=True)
    assert sorted(per_video) == sorted(v.pk for v in matched)  # one process each, none twice


def test_a_step_delivered_twice_starts_nothing_twice(videos, run_callbacks):
    videos(20)
    command = step(create(run_callbacks, batch_size=10), run_callbacks)
    stale = BulkCommand.objects.get(pk=command.pk)
    step(command, run_callbacks)  # the second batch
    # A duplicate of that second step, from before it ran, finds the cursor moved and starts nothing.
    with pytest.raises(scroll_module.Superseded), transaction.atomic():
        scroll_module._step(stale)
    assert EncodingProcess.objects.count() == 20
    assert EncodingProcess.objects.values("video_id").distinct().count() == 20


def test_reconcile_requeues_a_command_that_stopped_moving(videos, run_callbacks):
    videos(3)
    command = create(run_callbacks)
    django_rq.get_connection("default").flushdb()  # the step was lost with Redis
    BulkCommand.objects.filter(pk=command.pk).update(updated_at=command.submitted.replace(year=2000))
    assert bulk_command_reconcile() == [str(command.command_id)]
    assert bulk_command_reconcile() == []  # it moved
    step(command, run_callbacks)
    command.refresh_from_db()
    assert command.state == BulkState.COMPLETED and command.processed == 3


def test_the_package_exports_the_services():
    assert bulk_services.bulk_command_step is scroll_module.bulk_command_step


def test_a_query_that_can_no_longer_be_read_ends_the_command_with_an_error(videos, run_callbacks):
    videos(2)
    command = create(run_callbacks)
    BulkCommand.objects.filter(pk=command.pk).update(query="SELECT * FROM Document WHERE retired = 1")
    command = step(command, run_callbacks)
    assert command.state == BulkState.COMPLETED and command.error is True
    assert "Unknown field 'retired'" in command.error_message
    assert not EncodingProcess.objects.exists()

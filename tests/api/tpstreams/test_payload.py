"""The job body (API response and webhook alike) and the one status table, without a database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from media_platform.api.tpstreams.payloads import STATUS, JobFacts, job_payload, statuses_for
from media_platform.status import ProcessStatus

SEED_KEYS = [
    "id", "resolutions", "video_duration", "status", "input_url", "output_path",
    "start_time", "end_time", "error_message", "client_metadata",
]  # fmt: skip


def facts(**changes) -> JobFacts:
    values = dict(
        id="5KQfnXCg8Qh",
        resolutions=("240p", "480p"),
        duration=None,
        status="ENQUEUED",
        input_url="https://example.com/input-video.mp4",
        input_path=None,
        output_path="s3://example-bucket/path/?access_key=****abcd&secret_key=****wxyz&region=ap-south-1",
        started_at=None,
        finished_at=None,
        fail_message="",
        client_metadata={"client_id": "12345", "project": "marketing_campaign_2024"},
    )
    return JobFacts(**{**values, **changes})


@pytest.mark.parametrize(
    "status, word",
    [
        ("RECEIVED", "Queued"),
        ("VALIDATING", "Queued"),
        ("ENQUEUED", "Queued"),
        ("PROCESSING", "transcoding"),
        ("FINISHED", "completed"),
        ("PARTIALLY_FAILED", "completed"),
        ("FAILED", "error"),
        ("REJECTED", "error"),
        ("CANCELLED", "cancelled"),
    ],
)
def test_every_process_status_has_its_tpstreams_word(status, word):
    assert STATUS[ProcessStatus(status)] == word
    assert job_payload(facts(status=status))["status"] == word


def test_the_table_covers_every_process_status():
    assert set(STATUS) == set(ProcessStatus)


def test_list_filter_words_match_in_any_case():
    assert statuses_for("queued") == [ProcessStatus.RECEIVED, ProcessStatus.VALIDATING, ProcessStatus.ENQUEUED]
    assert statuses_for("Completed") == [ProcessStatus.FINISHED, ProcessStatus.PARTIALLY_FAILED]
    assert statuses_for("nope") == []


def test_a_queued_job_reads_as_the_seed_response():
    body = job_payload(facts())
    assert list(body) == SEED_KEYS
    assert body == {
        "id": "5KQfnXCg8Qh",
        "resolutions": ["240p", "480p"],
        "video_duration": None,
        "status": "Queued",
        "input_url": "https://example.com/input-video.mp4",
        "output_path": "s3://example-bucket/path/?access_key=****abcd&secret_key=****wxyz&region=ap-south-1",
        "start_time": None,
        "end_time": None,
        "error_message": None,
        "client_metadata": {"client_id": "12345", "project": "marketing_campaign_2024"},
    }


def test_a_running_job_reads_as_the_seed_webhook():
    body = job_payload(facts(status="PROCESSING", started_at=datetime(2023, 11, 22, 12, 30, tzinfo=UTC)))
    assert (body["status"], body["start_time"], body["end_time"]) == ("transcoding", "2023-11-22T12:30:00Z", None)


def test_an_input_path_is_echoed_in_input_url_and_input_path():
    path = "s3://b/video.mp4/?access_key=****abcd&secret_key=****wxyz&region=r"
    body = job_payload(facts(input_url=path, input_path=path))
    assert list(body) == [*SEED_KEYS[:5], "input_path", *SEED_KEYS[5:]]
    assert body["input_url"] == body["input_path"] == path


@pytest.mark.parametrize(
    "status, fail_message, expected",
    [
        ("FINISHED", "", None),
        ("FAILED", "The source URL answered HTTP 404.", "The source URL answered HTTP 404."),
        ("FAILED", "", "Transcoding failed"),
        ("CANCELLED", "", "Cancelled"),
    ],
)
def test_error_message_is_set_only_when_the_job_did_not_complete(status, fail_message, expected):
    assert job_payload(facts(status=status, fail_message=fail_message))["error_message"] == expected


def test_duration_is_whole_seconds_once_probed():
    assert job_payload(facts(duration=2.96))["video_duration"] == 3
    assert job_payload(facts(duration=None))["video_duration"] is None


def test_a_retried_job_waiting_again_has_no_start_time():
    earlier = datetime(2024, 1, 1, tzinfo=UTC)
    assert job_payload(facts(status="ENQUEUED", started_at=earlier))["start_time"] is None

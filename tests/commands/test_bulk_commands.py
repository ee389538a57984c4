"""reencode, recompute_videos and bulk_status: create bulk commands, follow them with a progress bar."""

from __future__ import annotations

import io
import json
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from media_platform.models import BulkCommand, EncodingProcess
from tests.bulk.conftest import make_videos
from tests.support.workers import run_burst

EVERY = "SELECT * FROM Document"


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("name", ["reencode", "recompute_videos", "bulk_status", "import_videos", "encode_file"])
def test_every_command_explains_itself(name, capsys):
    with pytest.raises(SystemExit) as exited:
        call_command(name, "--help")
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("usage:") and len(text.splitlines()) > 8


@pytest.mark.django_db
def test_reencode_creates_a_bulk_command_and_prints_its_id(library_keys):
    command_id = run("reencode", "--query", EVERY, "--library", str(library_keys.id)).strip()
    command = BulkCommand.objects.get(command_id=command_id)
    assert (command.action, command.query, command.library, command.username) == (
        "reencode",
        EVERY,
        library_keys.library,
        "system",
    )


@pytest.mark.django_db
def test_recompute_videos_takes_conversions_and_video_info(library_keys):
    command_id = run("recompute_videos", "--conversions", "720p,240p", "--all-info", "--batch-size", "50").strip()
    command = BulkCommand.objects.get(command_id=command_id)
    assert command.action == "recomputeVideoConversion" and command.batch_size == 50
    assert command.params == {"conversionNames": ["240p", "720p"], "recomputeAllVideoInfo": True}
    assert command.query.startswith("SELECT * FROM Document WHERE ecm:mixinType = 'Video'")  # Nuxeo's default


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["reencode", "--query", "SELECT * FROM Document WHERE title ="], "at position 36"),
        (["recompute_videos", "--conversions", "8K"], "Unknown conversion name '8K'"),
        (["reencode", "--query", EVERY, "--library", "999999"], "No library 999999"),
        (["bulk_status", "93baf453-5d34-4bb9-9370-54ec4cce78b2"], "No bulk command"),
    ],
)
def test_mistakes_are_explained(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not BulkCommand.objects.exists()


@pytest.mark.django_db
def test_bulk_status_prints_the_entity(library_keys):
    command_id = run("recompute_videos").strip()
    entity = json.loads(run("bulk_status", command_id))
    assert entity["entity-type"] == "bulkStatus" and entity["commandId"] == command_id
    assert entity["state"] == "SCHEDULED" and entity["scrollStart"] is None


def in_thread(*args) -> tuple[threading.Thread, dict]:
    """Run a command in a thread (it polls the database) while the test drives the worker."""
    result: dict = {}

    def target():
        try:
            result["out"] = run(*args)
        except BaseException as exc:  # noqa: B036 - handed back to the test
            result["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread, result


def drive(thread: threading.Thread, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while thread.is_alive() and time.monotonic() < deadline:
        run_burst(["default"])  # only the scroll: the processes need not encode here
        time.sleep(0.1)
    thread.join(timeout=5)


@pytest.mark.workers
@pytest.mark.django_db(transaction=True)
def test_reencode_wait_follows_the_command_to_completion(library_keys):
    make_videos(library_keys.library, 12)
    thread, result = in_thread("reencode", "--query", EVERY, "--wait", "--batch-size", "5", "--interval", "0.05")
    drive(thread)
    assert "error" not in result, result.get("error")
    command_id, summary = result["out"].strip().splitlines()
    assert summary == "COMPLETED: 12 queued, 0 error(s) of 12"
    assert EncodingProcess.objects.filter(request__commandId=command_id).count() == 12


@pytest.mark.workers
@pytest.mark.django_db(transaction=True)
def test_bulk_status_follow_waits_for_the_end(library_keys):
    make_videos(library_keys.library, 3)
    command_id = run("reencode", "--query", EVERY).strip()
    thread, result = in_thread("bulk_status", command_id, "--follow", "--interval", "0.05")
    drive(thread)
    assert "error" not in result, result.get("error")
    entity = json.loads(result["out"])
    assert entity["state"] == "COMPLETED" and entity["processed"] == entity["total"] == 3


@pytest.mark.django_db
def test_bulk_status_follow_gives_up_after_its_timeout(library_keys):
    command_id = run("recompute_videos").strip()
    with pytest.raises(CommandError, match="still SCHEDULED"):
        run("bulk_status", command_id, "--follow", "--interval", "0.01", "--timeout", "0.05")

"""The scroll of a bulk command: one batch of videos per step, each step its own job.

A step reads the next `batch_size` matching videos after the cursor (by primary key), starts
their work and moves the cursor, all in one transaction, then enqueues the next step. The cursor
only moves if nobody moved it meanwhile and nobody aborted the command, so a step delivered twice,
or run again after its worker died, starts nothing twice: a worker restart loses at most the
batch it was in, and that batch is rolled back whole.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from media_platform.models import BulkCommand
from media_platform.query.errors import QuerySyntaxError
from media_platform.selectors.bulk import bulk_command_get, bulk_command_videos
from media_platform.status import BulkState

from .commands import bulk_step_enqueue, dialect_for, recipe_for
from .start import BatchResult, bulk_processes_start

log = logging.getLogger(__name__)


class Superseded(Exception):
    """Another run of this step moved the cursor first, or the command was aborted meanwhile."""


def bulk_command_step(*, command_id: str) -> None:
    command = bulk_command_get(command_id)
    if command is None or command.is_done or command.abort_requested:
        return  # deleted, finished, aborted: nothing more to start
    try:
        if command.state == BulkState.SCHEDULED:
            command = _start_scroll(command)
        with transaction.atomic():
            _step(command)
    except Superseded:
        log.info("bulk %s: step at cursor %s superseded", command.command_id, command.cursor)
    except QuerySyntaxError as exc:
        # Valid when submitted, but the language has changed since: retrying cannot help.
        _give_up(command, f"The query can no longer be read: {exc.message}")


def _give_up(command: BulkCommand, message: str) -> None:
    now = timezone.now()
    BulkCommand.objects.filter(pk=command.pk, state__in=(BulkState.SCHEDULED, BulkState.RUNNING)).update(
        state=BulkState.COMPLETED, error=True, error_message=message, completed=now, processing_end=now, updated_at=now
    )


def _start_scroll(command: BulkCommand) -> BulkCommand:
    now = timezone.now()
    total = bulk_command_videos(command).count()
    BulkCommand.objects.filter(pk=command.pk, state=BulkState.SCHEDULED).update(
        state=BulkState.RUNNING, scroll_start=now, processing_start=now, total=total, updated_at=now
    )
    command.refresh_from_db()
    return command


def _step(command: BulkCommand) -> None:
    batch = list(
        bulk_command_videos(command)
        .filter(pk__gt=command.cursor)
        .select_related("library")
        .order_by("pk")[: command.batch_size]
    )
    result = bulk_processes_start(
        batch,
        recipe=recipe_for(command),
        dialect=dialect_for(command),
        request={"commandId": str(command.command_id), "action": command.action},
    )
    last = len(batch) < command.batch_size
    updates = _progress(command, batch[-1].pk if batch else command.cursor, result, last=last)
    moved = BulkCommand.objects.filter(pk=command.pk, cursor=command.cursor, abort_requested=False).update(**updates)
    if not moved:
        raise Superseded()
    if not last:
        bulk_step_enqueue(command)


def _progress(command: BulkCommand, cursor: int, result: BatchResult, *, last: bool) -> dict:
    now = timezone.now()
    processed = command.processed + len(result.started)
    errors = command.error_count + len(result.skipped)
    updates: dict = {"cursor": cursor, "processed": processed, "error_count": errors, "updated_at": now}
    if result.skipped:
        updates.update(error=True, error_message=result.error_message)
    if last:
        start = command.processing_start or now
        updates.update(
            state=BulkState.COMPLETED,
            # What the scroll found, which may differ from the count at its start if videos came or went.
            total=processed + errors,
            scroll_end=now,
            processing_end=now,
            completed=now,
            processing_millis=int((now - start).total_seconds() * 1000),
        )
    return updates

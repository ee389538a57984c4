"""Bulk commands: create one from a query, abort it, and put lost ones back to work."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from media_platform.engine.ladder import RUNGS, rung_sort_key
from media_platform.models import BulkCommand, EncodingProcess, Library
from media_platform.query import DEFAULT_QUERY
from media_platform.query.compile import compile_query
from media_platform.services.queueing import ENVIRONMENT_RETRY, enqueue
from media_platform.status import BulkState

STEP = "media_platform.jobs.bulk.scroll"
QUEUE = "default"
# "MP4 480p" and "WebM 480p" are Nuxeo's names of a conversion; the rung is what we encode.
RUNG_NAME = re.compile(r"(\d{3,4}p)\b", re.IGNORECASE)
ACTIVE_STATES = (BulkState.SCHEDULED, BulkState.RUNNING)


class BulkParamError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_conversion_names(value: str | Iterable[str] | None) -> list[str]:
    """ "720p,480p", ["720p", "480p"] or Nuxeo's ["MP4 480p"] → known rung names, lowest first."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else [part for item in value for part in str(item).split(",")]
    names = set()
    for item in (item.strip() for item in items):
        if not item:
            continue
        found = RUNG_NAME.search(item)
        if found is None or found.group(1).lower() not in RUNGS:
            valid = ", ".join(RUNGS)
            raise BulkParamError(f"Unknown conversion name '{item}'. Valid conversion names: {valid}")
        names.add(found.group(1).lower())
    return sorted(names, key=rung_sort_key)


def recipe_for(command: BulkCommand) -> dict:
    """What each video's new process encodes."""
    recipe: dict = {"name": "bunny_video"}
    if command.action != BulkCommand.Action.RECOMPUTE:
        return recipe
    recipe["video_info"] = "all" if command.recompute_all_video_info else "missing"
    if command.conversion_names:
        recipe.update(resolutions=command.conversion_names, merge=True)
    return recipe


def dialect_for(command: BulkCommand) -> str:
    if command.action == BulkCommand.Action.RECOMPUTE:
        return EncodingProcess.Dialect.NUXEO
    return EncodingProcess.Dialect.CLI if command.user_id is None else EncodingProcess.Dialect.ADMIN


def bulk_step_enqueue(command: BulkCommand) -> None:
    """The next step of the scroll, once the caller's transaction commits."""
    command_id = str(command.command_id)
    transaction.on_commit(lambda: enqueue(QUEUE, STEP, command_id, retry=ENVIRONMENT_RETRY), robust=True)


@transaction.atomic
def bulk_command_create(
    *,
    query: str | None,
    action: str,
    conversion_names: str | Iterable[str] | None = None,
    recompute_all_video_info: bool = False,
    user=None,
    library: Library | None = None,
    batch_size: int | None = None,
) -> BulkCommand:
    """SCHEDULED, scrolled by a job after commit. Raises QuerySyntaxError or BulkParamError."""
    text = query if query and query.strip() else DEFAULT_QUERY  # unstripped: error positions are the caller's
    compile_query(text)
    if action not in BulkCommand.Action.values:
        raise BulkParamError(f"Unknown action '{action}'")
    params = {
        "conversionNames": parse_conversion_names(conversion_names),
        "recomputeAllVideoInfo": bool(recompute_all_video_info),
    }
    command = BulkCommand.objects.create(
        query=text,
        action=action,
        params=params,
        user=user,
        username=getattr(user, "username", "") or "system",
        library=library,
        batch_size=max(1, batch_size or getattr(settings, "BULK_BATCH_SIZE", 500)),
    )
    bulk_step_enqueue(command)
    return command


@transaction.atomic
def bulk_command_abort(*, command: BulkCommand) -> BulkCommand:
    """ABORTED at once, as Nuxeo does; work already queued runs on, no further batch starts.
    A command that already ended is left as it is."""
    now = timezone.now()
    updates: dict = {"state": BulkState.ABORTED, "abort_requested": True, "completed": now, "updated_at": now}
    if command.processing_start is not None:
        millis = int((now - command.processing_start).total_seconds() * 1000)
        updates.update(processing_end=now, processing_millis=millis)
    BulkCommand.objects.filter(pk=command.pk, state__in=ACTIVE_STATES).update(**updates)
    command.refresh_from_db()
    return command


def bulk_command_reconcile(*, stale_seconds: int = 300) -> list[str]:
    """Re-enqueue the next step of commands that have not moved for a while (their job was
    lost with a worker or with Redis). A step is safe to run twice, so a slow one loses nothing."""
    now = timezone.now()
    stale = BulkCommand.objects.filter(state__in=ACTIVE_STATES, updated_at__lt=now - timedelta(seconds=stale_seconds))
    requeued = []
    for command in stale.only("pk", "command_id"):
        BulkCommand.objects.filter(pk=command.pk).update(updated_at=now)
        enqueue(QUEUE, STEP, str(command.command_id), retry=ENVIRONMENT_RETRY)
        requeued.append(str(command.command_id))
    return requeued

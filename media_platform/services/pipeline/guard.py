"""What a worker does when work on a process goes wrong, in one place for every entry point
(a whole run, a piece of a chunked one, its stitch)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, transaction
from django.utils import timezone

from media_platform.crypto import SecretUnreadable
from media_platform.engine.issues import Issue, IssueCode, Severity
from media_platform.engine.names import UnsafeName
from media_platform.engine.transforms import TransformError
from media_platform.models import EncodingJob, EncodingProcess
from media_platform.services.messages import transcoding_messages_add
from media_platform.status import Event, ProcessStatus

from .events import process_event
from .execute import Cancelled
from .faults import EnvironmentFault, InputError, LeaseLost

log = logging.getLogger(__name__)
RETRYABLE = (EnvironmentFault, OSError, DatabaseError)


def encoding_process_fail(*, process: EncodingProcess, issue: Issue) -> None:
    with transaction.atomic():
        transcoding_messages_add(process=process, issues=[issue])
        EncodingJob.objects.filter(process=process).exclude(status=ProcessStatus.FINISHED).update(
            status=ProcessStatus.FAILED, error_message=issue.message, finished_at=timezone.now()
        )
        process_event(process, Event.FAILED, fail_message=issue.message, error_code=issue.code.name)


def release(process: EncodingProcess, reason: str) -> None:
    """Back to the queue for RQ's retry: no longer ours, not failed."""
    try:
        EncodingProcess.objects.filter(pk=process.pk, claim_token=process.claim_token).update(
            status=ProcessStatus.ENQUEUED, claim_token="", log_tail=reason[-4000:]
        )
    except DatabaseError:
        log.warning("process %s: could not release (database down); reconcile will", process.public_id)


class Fate:
    """What becomes of one piece of work on a process (a whole run, or its stitch) when it goes
    wrong. Chunked pieces have their own (chunked/pieces.py)."""

    subject = "Processing"  # "… failed after retries"
    doing = "processing"  # "Internal error while …"

    def __init__(self, process: EncodingProcess):
        self.process = process

    @property
    def name(self) -> str:
        return f"process {self.process.public_id}"

    def fail(self, issue: Issue, *, internal: bool = False) -> None:
        encoding_process_fail(process=self.process, issue=issue)

    def release(self, reason: str) -> None:
        release(self.process, reason)

    def cancelled(self) -> None:
        process_event(self.process, Event.CANCELLED, fail_message="Cancelled")


@contextmanager
def guarded(process: EncodingProcess, *, retries_left: int, fate: Fate | None = None) -> Iterator[None]:
    """Turn whatever the body raises into the process's fate: a failure with a reason, a
    cancellation, a release for RQ's retry (environment faults), or silence (lease lost)."""
    fate = fate or Fate(process)
    try:
        yield
    except InputError as exc:
        fate.fail(exc.issue)
    except (TransformError, UnsafeName) as exc:
        # A request that cannot apply to this source (a trim past its end, an unusable name).
        fate.fail(Issue(Severity.ERROR, IssueCode.UNDEFINED, str(exc)))
    except SecretUnreadable as exc:
        # Going on without the secret would read or write a location unsigned; nothing to retry
        # until an operator restores the key (then the process can be retried).
        log.error("%s: %s", fate.name, exc)
        fate.fail(Issue(Severity.ERROR, IssueCode.UNDEFINED, f"Processing stopped: {exc}."))
    except LeaseLost:
        log.info("%s: lease lost, leaving it to the worker that holds it", fate.name)
    except Cancelled:
        fate.cancelled()
    except RETRYABLE as exc:
        if retries_left > 0:
            fate.release(f"{type(exc).__name__}: {exc}")
        else:
            fate.fail(Issue(Severity.ERROR, IssueCode.UNDEFINED, f"{fate.subject} failed after retries: {exc}"))
        raise
    except Exception as exc:
        # Our own bug: fail loudly rather than leave the process PROCESSING for ever.
        log.exception("%s: unexpected error", fate.name)
        message = f"Internal error while {fate.doing}: {type(exc).__name__}: {exc}"
        fate.fail(Issue(Severity.ERROR, IssueCode.UNDEFINED, message), internal=True)
        raise

"""RQ entry points of bulk commands."""

from media_platform.services.bulk import bulk_command_reconcile, bulk_command_step


def scroll(command_id: str) -> None:
    """One batch of a command's videos; enqueues the next. Safe to run twice."""
    bulk_command_step(command_id=command_id)


def reconcile() -> list[str]:
    """Put commands whose next step was lost back to work (for rqcron, beside encoding's reconcile)."""
    return bulk_command_reconcile()

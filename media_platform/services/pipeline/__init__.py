from .control import encoding_process_cancel, encoding_process_retry
from .create import encoding_jobs_save, encoding_process_create, encoding_process_enqueue
from .events import process_event
from .reconcile import encoding_reconcile
from .run import encoding_process_fail, encoding_process_run
from .update import ProcessNotEditable, encoding_process_update

__all__ = [
    "ProcessNotEditable",
    "encoding_jobs_save",
    "encoding_process_cancel",
    "encoding_process_create",
    "encoding_process_enqueue",
    "encoding_process_fail",
    "encoding_process_retry",
    "encoding_reconcile",
    "encoding_process_run",
    "encoding_process_update",
    "process_event",
]

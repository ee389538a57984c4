"""Process → the request API's status bodies (the detailed one is also the callback's body)."""

from __future__ import annotations

from media_platform.models import EncodingProcess
from media_platform.services.notifiers.slashed import process_detail
from media_platform.webhooks.payloads.slashed import status_payload


def status_body(process: EncodingProcess) -> dict:
    return status_payload(process.status, process.updated_at, process.fail_message)


def detailed_body(process: EncodingProcess) -> dict:
    return process_detail(process)


def created_body(process: EncodingProcess) -> dict:
    return {"process_id": process.public_id, "status": 200, "description": "Request received"}


def retried_body(process_id: str, attempt: int) -> dict:
    return {"status": 200, "process_id": process_id, "description": f"Reprocessing process, attempt: {attempt}"}


def retry_refused_body(process_id: str, status: int, description: str) -> dict:
    return {"status": status, "process_id": process_id, "description": description}

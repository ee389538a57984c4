"""A checked POST or PUT /jobs → the arguments of the services that write it:
encoding_process_create and encoding_process_update.

The request's notes (what the service's knobs ask that the encoders will not do) become
Information messages, recorded before the job is queued, so the first webhook already carries
them. The webhook's custom headers are kept encrypted on the process.
"""

from __future__ import annotations

import json
import secrets

from media_platform.crypto import encrypt
from media_platform.engine.issues import Issue, IssueCode, Severity
from media_platform.models import EncodingProcess, Library

from .presenters import stored_request
from .translate import translate_formats
from .validate import Valid


def library_destination(library: Library) -> dict:
    """Where formats without a destination go: a folder of the library's storage per job."""
    return {"kind": "storage", "prefix": f"libraries/{library.pk}/vidinfra/{secrets.token_hex(8)}"}


def _notes(valid: Valid) -> list[Issue]:
    return [Issue(Severity.INFORMATION, IssueCode.UNDEFINED, note) for note in valid.notes]


def _callback(valid: Valid) -> dict[str, str]:
    webhook = valid.webhook
    return {
        "callback_url": webhook.url if webhook else "",
        "callback_headers_encrypted": encrypt(json.dumps(webhook.headers)) if webhook and webhook.headers else "",
    }


def create_fields(valid: Valid, library: Library) -> dict:
    assert valid.source is not None
    translation = translate_formats(valid.formats, valid.upscale)
    return {
        "library": library,
        "source": valid.source.location.to_json(),
        "destination": library_destination(library),
        "jobs": translation.jobs,
        "job_destinations": translation.job_destinations,
        "dialect": EncodingProcess.Dialect.VIDINFRA,
        "request": stored_request(valid),
        "notes": _notes(valid),
        **_callback(valid),
    }


def update_fields(valid: Valid, process: EncodingProcess) -> dict:
    """What the PUT names replaces what the job had; the rest stays."""
    fields: dict = {"process": process, "request": stored_request(valid, process.request), "notes": _notes(valid)}
    if valid.source is not None:
        fields["source"] = valid.source.location.to_json()
    if "webhook_config" in valid.given:
        fields.update(_callback(valid))
    if valid.formats:
        upscale = valid.upscale if "upscale" in valid.given else bool((process.request or {}).get("upscale"))
        translation = translate_formats(valid.formats, upscale)
        fields.update(jobs=translation.jobs, job_destinations=translation.job_destinations)
    return fields

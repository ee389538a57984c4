"""Process → the TPStreams job, as GET …/transcoding_jobs/<id>/ and the organisation webhook show
it: the facts read from the process row, then payloads.job_payload."""

from __future__ import annotations

import json

from media_platform.models import EncodingProcess

from .payloads import JobFacts, job_payload

# Where the request keeps client_metadata as the client wrote it: text keeps its key order in any database.
METADATA_TEXT = "client_metadata_json"


def job_detail(process: EncodingProcess) -> dict:
    """The job; reads only the row."""
    return job_payload(job_facts(process))


def job_facts(process: EncodingProcess) -> JobFacts:
    request = process.request or {}
    info = process.source_info or {}
    return JobFacts(
        id=process.public_id,
        resolutions=tuple(request.get("resolutions") or ()),
        duration=info.get("duration") if process.source_info else None,
        status=process.status,
        input_url=request.get("input_url") or request.get("input_path") or "",
        input_path=request.get("input_path"),
        output_path=request.get("output_path") or "",
        started_at=process.started_at,
        finished_at=process.finished_at,
        fail_message=process.fail_message,
        client_metadata=client_metadata(process),
    )


def client_metadata(process: EncodingProcess):
    text = (process.request or {}).get(METADATA_TEXT)
    return json.loads(text) if text is not None else process.client_metadata

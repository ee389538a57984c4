"""Process → the request API's bodies: its status, and the detailed one (also the callback's body),
read from the rows into facts that payloads.py writes out."""

from __future__ import annotations

from media_platform.models import EncodingJob, EncodingOutput, EncodingProcess
from media_platform.services.pipeline.publish import destination_key

from .payloads import JobFacts, OutputFacts, ProcessFacts, detailed_payload, job_multipliers, status_payload

# The file a client asks about for each job kind (a storyboard's VTT rides along with its sprite).
MAIN_ROLE = {"mp4": "mp4", "preview_clip": "mp4", "storyboard": "sprite", "screenshots": "image"}


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


# --- The facts of a process, read from its rows ---------------------------------------------------
def process_detail(process: EncodingProcess) -> dict:
    return detailed_payload(process_facts(process))


def process_facts(process: EncodingProcess) -> ProcessFacts:
    # Re-read: the event that brought us here was written with update(), not on this instance.
    fresh = EncodingProcess.objects.get(pk=process.pk)
    rows = EncodingJob.objects.filter(process=fresh).prefetch_related("outputs").order_by("index")
    requested = (fresh.request or {}).get("jobs") or []
    return ProcessFacts(
        process_id=fresh.public_id,
        status=fresh.status,
        updated_at=fresh.updated_at,
        fail_message=fresh.fail_message,
        source_name=source_name(fresh),
        source_info=fresh.source_info,
        finished_download_at=fresh.download_finished_at,
        jobs=tuple(_job(row, requested[row.index] if row.index < len(requested) else {}) for row in rows),
    )


def source_name(process: EncodingProcess) -> str:
    source = process.source or {}
    kind = source.get("kind")
    if kind == "storage":
        root = f"libraries/{process.library_id}/"
        name = source.get("name", "")
        return "/" + (name[len(root) :] if name.startswith(root) else name)
    if kind == "s3":
        return f"s3://{source.get('bucket')}/{source.get('key', '')}"
    return source.get("url", "")


def _job(row: EncodingJob, requested: dict) -> JobFacts:
    spec = row.spec or {}
    codec = None
    if row.kind == "mp4":
        codec = ((spec.get("rendition") or {}).get("video") or {}).get("codec")
    elif row.kind == "preview_clip":
        codec = spec.get("video_codec")
    quality = (requested.get("quality") or "standard") if row.kind == "mp4" else None
    return JobFacts(
        id=row.public_id,
        index=row.index,
        kind=row.kind,
        status=row.status,
        created_at=row.created_at,
        finished_at=row.finished_at,
        started_upload_at=row.started_upload_at,
        finished_upload_at=row.finished_upload_at,
        multipliers=job_multipliers(codec, quality),
        output=_output(row),
    )


def _output(row: EncodingJob) -> OutputFacts | None:
    files = sorted((o for o in row.outputs.all() if o.role == MAIN_ROLE.get(row.kind)), key=_number_order)
    if not files:
        return None
    first = files[0]
    if len(files) == 1:
        name, md5, sha1 = output_name(row, first.path), first.md5, first.sha1
    else:  # several screenshots: named by their pattern, sized together, no single checksum
        spec = row.spec or {}
        pattern = "/".join(p for p in (spec.get("prefix", "").strip("/"), spec.get("filename", "")) if p)
        name, md5, sha1 = output_name(row, pattern), "", ""
    video_job = row.kind in ("mp4", "preview_clip")
    return OutputFacts(
        file_name=name,
        size=sum(o.size for o in files),
        width=first.width,
        height=first.height,
        duration=first.duration if video_job else None,
        video_codec=first.video_codec,
        audio_codec=first.audio_codec if video_job else "",
        bit_rate=first.bit_rate if video_job else None,
        fps=first.fps if video_job else None,
        md5=md5,
        sha1=sha1,
    )


def _number_order(output: EncodingOutput) -> tuple[int, str]:
    digits = "".join(ch for ch in output.path.rsplit("/", 1)[-1] if ch.isdigit())
    return (int(digits) if digits else 0, output.path)


def output_name(row: EncodingJob, path: str) -> str:
    """Where the client finds a file: its S3 URL (no credentials), or its path in their storage."""
    destination = row.destination or {}
    if destination.get("kind") == "s3":
        return f"s3://{destination.get('bucket')}/{destination_key(row, path)}"
    return "/" + path.lstrip("/")

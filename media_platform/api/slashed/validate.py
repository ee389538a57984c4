"""`POST /request` bodies: every field checked, every failure reported at once (400), nothing
created or queued unless the whole request is good."""

from __future__ import annotations

from dataclasses import dataclass

from media_platform.api.common.fields import MAX_URL, FieldErrors, at, is_http_url
from media_platform.api.common.locations import PlaceChecks
from media_platform.models import Library

from .errors import ValidationFailed, error_details
from .fields import choice, parse_service_id, string
from .jobs import clean_job
from .locations import WORDING, Location, check, parse_location

PRIORITIES = ("low", "high")
MAX_JOBS = 20


@dataclass(frozen=True)
class ValidRequest:
    service_id: int
    source: Location
    priority: str | None
    callback: str
    jobs: list[dict]


def validate_request(data, library: Library) -> ValidRequest:
    if not isinstance(data, dict):
        raise ValidationFailed([{"name": "body", "message": ["body must be an object"]}])
    errors, checks = FieldErrors(), PlaceChecks()
    service_id = _service_id(errors, data)
    source = _source(errors, data, checks)
    priority = choice(errors, data, "", "priority", PRIORITIES, optional=True)
    callback = _callback(errors, data)
    jobs = _jobs(errors, data, checks)
    if source is not None:
        _collisions(errors, jobs, source)
    checks.report(errors, library, WORDING)
    if errors:
        raise ValidationFailed(error_details(errors))
    assert service_id is not None and source is not None
    return ValidRequest(service_id, source, priority, callback or "", [job for _, job in jobs])


def _service_id(errors: FieldErrors, data: dict) -> int | None:
    value = data.get("service_id")
    if value is None:
        errors.add("service_id", "service_id should not be null or undefined")
    parsed = parse_service_id(value)
    if parsed is None:
        errors.add("service_id", "service_id must be a number conforming to the specified constraints")
    return parsed


def _source(errors: FieldErrors, data: dict, checks: PlaceChecks) -> Location | None:
    value = string(errors, data, "", "source")
    location = parse_location(errors, "source", value, allow_url=True) if value else None
    if location is not None:
        check(checks, "source", location, write=False)
    return location


def _callback(errors: FieldErrors, data: dict) -> str | None:
    value = string(errors, data, "", "callback", optional=True)
    if value is not None and not is_http_url(value):
        errors.add("callback", f"callback must be a URL address (http or https, at most {MAX_URL} characters)")
        return None
    return value


def _jobs(errors: FieldErrors, data: dict, checks: PlaceChecks) -> list[tuple[str, dict]]:
    value = data.get("jobs")
    if value is None:
        errors.add("jobs", "jobs should not be null or undefined", "jobs must be an array")
        return []
    if not isinstance(value, list):
        errors.add("jobs", "jobs must be an array")
        return []
    if not value:
        errors.add("jobs", "jobs should not be empty")
    if len(value) > MAX_JOBS:
        errors.add("jobs", f"jobs must contain no more than {MAX_JOBS} elements")
        return []
    cleaned = []
    for index, item in enumerate(value):
        job = clean_job(errors, item, at("jobs", index), checks)
        if job is not None:
            cleaned.append((at("jobs", index), job))
    return cleaned


def _outputs(job: dict) -> list[tuple[str, str]]:
    """(field, stored path) of each file a job writes to the library's storage."""
    if job["type"] == "storyboard":
        folder = job.get("destination_dir")
        if folder is None or folder.kind != "storage":
            return []
        return [("destination_dir", f"{folder.value}/{job[name]}") for name in ("sprite_file", "vtt_file") if job[name]]
    target = job.get("destination")
    return [("destination", target.value)] if target is not None and target.kind == "storage" else []


def _collisions(errors: FieldErrors, jobs: list[tuple[str, dict]], source: Location) -> None:
    """Two jobs writing one file would overwrite each other; a job writing over its source would lose it."""
    owners: dict[str, str] = {}
    for path, job in jobs:
        for field, stored in _outputs(job):
            if source.kind == "storage" and stored == source.value:
                errors.add(at(path, field), f"{field} must not overwrite the source")
            elif stored in owners and owners[stored] != path:
                errors.add(at(path, field), f"{field} is already used by {owners[stored]}")
            owners.setdefault(stored, path)


MAX_RETRY_IDS = 100


def validate_retry(data) -> list[str]:
    """`POST /retry`: service_id and a non-empty array of process id strings."""
    if not isinstance(data, dict):
        raise ValidationFailed([{"name": "body", "message": ["body must be an object"]}])
    errors = FieldErrors()
    _service_id(errors, data)
    ids = data.get("process_ids")
    if ids is None:
        errors.add("process_ids", "process_ids should not be null or undefined", "process_ids must be an array")
    elif not isinstance(ids, list):
        errors.add("process_ids", "process_ids must be an array")
    elif not ids:
        errors.add("process_ids", "process_ids should not be empty")
    elif len(ids) > MAX_RETRY_IDS:
        errors.add("process_ids", f"process_ids must contain no more than {MAX_RETRY_IDS} elements")
    elif not all(isinstance(item, str) and item.strip() for item in ids):
        errors.add("process_ids", "each value in process_ids must be a string")
    if errors:
        raise ValidationFailed(error_details(errors))
    return [item.strip() for item in ids]

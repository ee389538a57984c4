"""Checks for `jobs[]` and their `transformations[]`, each field named by its path
("jobs[0].destination", "jobs[1].transformations[0].gravity"), defaults applied as the
service documents them. Locations to check against storage or S3 are collected in `checks`."""

from __future__ import annotations

import posixpath

from media_platform.api.common.fields import FieldErrors, as_number, at
from media_platform.api.common.locations import PlaceChecks
from media_platform.engine.names import name_problem
from media_platform.engine.spec import GRAVITIES

from .fields import boolean, choice, integer, length, offset, positive, string
from .locations import Location, check, clean_path, parse_location

JOB_TYPES = ("encode", "preview_clip", "storyboard", "screenshots")
TRANSFORMATION_TYPES = ("resize", "trim", "crop", "watermark")
VIDEO_CODECS = ("h264", "h265", "av1")
AUDIO_CODECS = ("aac",)
QUALITIES = ("standard", "optimal", "premium")
MAX_SNIPPETS = 100
MAX_SCREENSHOTS = 100
MAX_COLUMNS = 100


def clean_job(errors: FieldErrors, item, path: str, checks: PlaceChecks) -> dict | None:
    if not isinstance(item, dict):
        errors.add(path, "each value in jobs must be an object")
        return None
    kind = choice(errors, item, path, "type", JOB_TYPES)
    transformations = clean_transformations(errors, item, path, checks)
    if kind is None:
        return None
    job = {"type": kind, "transformations": transformations}
    CLEANERS[kind](errors, item, path, job, checks)
    return job


def destination(
    errors: FieldErrors, item: dict, path: str, name: str, suffix: str | None, checks: PlaceChecks
) -> Location | None:
    value = string(errors, item, path, name)
    if value is None:
        return None
    full = at(path, name)
    location = parse_location(errors, full, value, allow_url=False)
    if location is None:
        return None
    # The engine's own rule for output names (no way out of the job's folder, nothing ffmpeg
    # would read as syntax); in S3 only the file's name reaches ffmpeg, the key stays with S3.
    named = location.path if location.kind == "storage" else posixpath.basename(location.path)
    if (suffix or location.kind == "storage") and (problem := name_problem(named)):
        errors.add(full, f"{name} {problem}")
    elif location.kind == "storage" and _hidden(named):
        errors.add(full, f"{name} must not name a hidden file or folder")
    elif suffix and not location.path.lower().endswith(suffix):
        errors.add(full, f"{name} must end with {suffix}")
    if location.kind == "s3":
        check(checks, full, location, write=True)
    return location


def _hidden(path: str) -> bool:
    """Dot-folders of the output are the engine's own (frame dumps, files bound for S3)."""
    return any(part.startswith(".") for part in path.split("/"))


def _encode(errors: FieldErrors, item: dict, path: str, job: dict, checks: PlaceChecks) -> None:
    job["video_codec"] = choice(errors, item, path, "video_codec", VIDEO_CODECS)
    job["audio_codec"] = choice(errors, item, path, "audio_codec", AUDIO_CODECS)
    job["destination"] = destination(errors, item, path, "destination", ".mp4", checks)
    job["quality"] = choice(errors, item, path, "quality", QUALITIES, optional=True) or "standard"
    job["fps"] = _fps(errors, item, path)


def _fps(errors: FieldErrors, item: dict, path: str) -> float | None:
    value = item.get("fps")
    if value is None:
        return None
    number = as_number(value)
    full = at(path, "fps")
    if number is None or not 0 < number <= 60:
        errors.add(full, "fps must be a number between 0 and 60")
        return None
    if round(number, 2) != number:
        errors.add(full, "fps must have at most 2 decimal places")
        return None
    return number


def _preview_clip(errors: FieldErrors, item: dict, path: str, job: dict, checks: PlaceChecks) -> None:
    job["destination"] = destination(errors, item, path, "destination", ".mp4", checks)
    job["num_snippets"] = integer(errors, item, path, "num_snippets", low=1, high=MAX_SNIPPETS) or 5
    job["snippet_duration"] = positive(errors, item, path, "snippet_duration", high=600) or 1.0
    job["video_codec"] = choice(errors, item, path, "video_codec", VIDEO_CODECS, optional=True)


def _file_name(errors: FieldErrors, item: dict, path: str, name: str, suffix: str) -> str | None:
    value = string(errors, item, path, name)
    if value is None:
        return None
    clean = clean_path(value)
    full = at(path, name)
    if "://" in value or not clean:
        errors.add(full, f"{name} must be a file name")
        return None
    if problem := name_problem(clean):
        errors.add(full, f"{name} {problem}")
        return None
    if _hidden(clean):
        errors.add(full, f"{name} must not name a hidden file or folder")
        return None
    if not clean.lower().endswith(suffix):
        errors.add(full, f"{name} must end with {suffix}")
        return None
    return clean


def _storyboard(errors: FieldErrors, item: dict, path: str, job: dict, checks: PlaceChecks) -> None:
    job["destination_dir"] = destination(errors, item, path, "destination_dir", None, checks)
    job["sprite_file"] = _file_name(errors, item, path, "sprite_file", ".jpg")
    job["vtt_file"] = _file_name(errors, item, path, "vtt_file", ".vtt")
    job["interval"] = positive(errors, item, path, "interval", high=3600) or 10.0
    job["sprite_columns"] = integer(errors, item, path, "sprite_columns", low=1, high=MAX_COLUMNS) or 10


def _screenshots(errors: FieldErrors, item: dict, path: str, job: dict, checks: PlaceChecks) -> None:
    quantity = integer(errors, item, path, "quantity", low=1, high=MAX_SCREENSHOTS, optional=False)
    target = destination(errors, item, path, "destination", ".jpg", checks)
    job["quantity"], job["destination"] = quantity, target
    if quantity is not None and quantity > 1 and target is not None and "%d" not in target.path:
        errors.add(at(path, "destination"), "destination must contain %d when quantity is greater than 1")


CLEANERS = {"encode": _encode, "preview_clip": _preview_clip, "storyboard": _storyboard, "screenshots": _screenshots}


# --- transformations ----------------------------------------------------------------------
def clean_transformations(errors: FieldErrors, item: dict, path: str, checks: PlaceChecks) -> list[dict]:
    value = item.get("transformations")
    full = at(path, "transformations")
    if value is None:
        return []
    if not isinstance(value, list):
        errors.add(full, "transformations must be an array")
        return []
    cleaned = []
    for index, entry in enumerate(value):
        entry_path = at(full, index)
        if not isinstance(entry, dict):
            errors.add(entry_path, "each value in transformations must be an object")
            continue
        kind = choice(errors, entry, entry_path, "type", TRANSFORMATION_TYPES)
        if kind is not None:
            cleaned.append({"type": kind, **TRANSFORMATIONS[kind](errors, entry, entry_path, checks)})
    return cleaned


def _sides(errors: FieldErrors, entry: dict, path: str) -> dict:
    width = length(errors, entry, path, "width", other_suffix="h")
    height = length(errors, entry, path, "height", other_suffix="w")
    if entry.get("width") is None and entry.get("height") is None:
        errors.add(at(path, "width"), "width or height must be set")
    return {"width": width, "height": height}


def _placement(errors: FieldErrors, entry: dict, path: str, default_gravity: str) -> dict:
    return {
        "gravity": choice(errors, entry, path, "gravity", GRAVITIES, optional=True) or default_gravity,
        "xoffset": offset(errors, entry, path, "xoffset") or "0",
        "yoffset": offset(errors, entry, path, "yoffset") or "0",
    }


def _resize(errors: FieldErrors, entry: dict, path: str, checks: PlaceChecks) -> dict:
    return {**_sides(errors, entry, path), "upscale": bool(boolean(errors, entry, path, "upscale"))}


def _trim(errors: FieldErrors, entry: dict, path: str, checks: PlaceChecks) -> dict:
    return {
        "start_time": positive(errors, entry, path, "start_time", zero=True) or 0.0,
        "duration": positive(errors, entry, path, "duration"),
    }


def _crop(errors: FieldErrors, entry: dict, path: str, checks: PlaceChecks) -> dict:
    return {**_sides(errors, entry, path), **_placement(errors, entry, path, "center")}


def _watermark(errors: FieldErrors, entry: dict, path: str, checks: PlaceChecks) -> dict:
    # The reference spells the field "Source" once and "source" in its example: both are read.
    data = {**entry, "source": entry.get("source", entry.get("Source"))}
    source = string(errors, data, path, "source")
    location = parse_location(errors, at(path, "source"), source, allow_url=True) if source else None
    if location is not None:
        check(checks, at(path, "source"), location, write=False)
    opacity = data.get("opacity")
    number = as_number(opacity) if opacity is not None else 1.0
    if number is None or not 0 <= number <= 1:
        errors.add(at(path, "opacity"), "opacity must be a number between 0 and 1")
    return {
        "source": location,
        **_sides(errors, entry, path),
        **_placement(errors, entry, path, "southeast"),
        "opacity": number if number is not None else 1.0,
    }


TRANSFORMATIONS = {"resize": _resize, "trim": _trim, "crop": _crop, "watermark": _watermark}

"""The fields of formats that encode video: codecs and their parameters, `stream[]` entries,
`logo`, `subtitles`.

`video_codec_parameters` carries x264-style knobs. min_rate, max_rate and bufsize (kbps) are
applied; preset, vprofile and level are applied when the chosen encoder knows the value and
otherwise ignored with a note on the job (the service's own example sends "media" and "mediam");
the other knobs (coder, directpred, me_method, subq, trellis, refs, cmp, me_range, sc_threshhold,
l_qfactor, b_strategy, qcomp, qmin, qdiff, sws_flags, flags, rc_lookahead) are accepted, echoed
and not applied: the encoder's presets choose them.
"""

from __future__ import annotations

import re
from typing import Any

from media_platform.api.common.fields import FieldErrors, at, is_http_url, leaf
from media_platform.api.common.locations import Place, PlaceChecks, parse_s3_field
from media_platform.engine.plan.codecs import SVT_PRESETS
from media_platform.storage.s3 import mask_url

from .fields import Number, Text, number_text, obj, read

CODECS = {"libx264": "h264", "libx265": "h265", "libsvtav1": "av1"}
ENCODERS = {engine: name for name, engine in CODECS.items()}
X26X_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")
H264_PROFILES = ("baseline", "main", "high", "high10", "high422", "high444")
H264_LEVELS = ("1", "1b", "1.1", "1.2", "1.3", "2", "2.1", "2.2", "3", "3.1", "3.2", "4", "4.1", "4.2", "5", "5.1",
               "5.2", "6", "6.1", "6.2")  # fmt: skip
RATE_KINDS = {name: Number(high=500_000, text=True) for name in ("min_rate", "max_rate", "bufsize")}
HINTS = ("preset", "vprofile", "level")
IGNORED_KNOBS = ("coder", "directpred", "me_method", "subq", "trellis", "refs", "cmp", "me_range", "sc_threshhold",
                 "sc_threshold", "l_qfactor", "b_strategy", "qcomp", "qmin", "qdiff", "sws_flags", "flags",
                 "rc_lookahead")  # fmt: skip
STREAM_KINDS = {
    "video_codec": Text(choices=tuple(CODECS), lower=True),
    "height": Number(integer=True, high=8192),
    "bitrate": Number(integer=True, high=500_000),
    "framerate": Number(high=120, text=True),
    "keyframe": Number(integer=True, high=10_000, text=True),
    "width": Number(integer=True, high=8192),
    "quality": Number(integer=True, high=63),
}
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
MAX_STREAMS = 10
MAX_SUBTITLES = 20


def level(value: str) -> str | None:
    """H.264 level as x264 takes it: "31" and "3.1" → "3.1"; None when it is not one."""
    text = value.strip().lower()
    if re.fullmatch(r"[1-6]\d", text):
        text = f"{text[0]}.{text[1]}"
    text = text[:-2] if text.endswith(".0") else text
    return text if text in H264_LEVELS else None


def _hint(name: str, value: str, codec: str) -> str | None:
    lowered = value.strip().lower()
    if name == "preset":
        presets = (*SVT_PRESETS, *map(str, range(14))) if codec == "av1" else X26X_PRESETS
        return lowered if lowered in presets else None
    if codec != "h264":
        return None  # profiles and levels are set for H.264 only; the others pick their own
    return lowered if name == "vprofile" and lowered in H264_PROFILES else level(lowered) if name == "level" else None


def codec_parameters(
    errors: FieldErrors, data: dict, path: str, codec: str, notes: list[str]
) -> tuple[dict[str, Any], dict | None]:
    """(clean: min_rate, max_rate, bufsize, preset, profile, level; echo or None)."""
    params = obj(errors, data, path, "video_codec_parameters")
    if params is None:
        return {}, None
    full = at(path, "video_codec_parameters")
    clean, echo = read(errors, params, full, RATE_KINDS)
    for name in (*HINTS, *IGNORED_KNOBS):
        value = params.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            errors.add(at(full, name), f"{name} must be a string")
            continue
        echo[name] = value if isinstance(value, str) else number_text(value)
        if name in HINTS and echo[name].strip():
            clean[name] = _hint(name, echo[name], codec)
            if clean[name] is not None:
                continue
            if name != "preset" and codec != "h264":
                notes.append(f"{at(full, name)} applies to libx264 only and was ignored.")
            else:
                notes.append(f"{at(full, name)} '{echo[name]}' is not known to {ENCODERS[codec]} and was ignored.")
    return clean, echo


def streams(errors: FieldErrors, data: dict, path: str) -> tuple[list[dict], list[dict] | None]:
    """`stream[]`: one rendition (or one MP4) each; at least one."""
    value = data.get("stream")
    full = at(path, "stream")
    if not isinstance(value, list) or not value:
        errors.add(full, "stream must be a list of at least one stream (video_codec, height, bitrate, …)")
        return [], None
    if len(value) > MAX_STREAMS:
        errors.add(full, f"stream must have at most {MAX_STREAMS} entries")
        return [], None
    cleaned, echoed = [], []
    for number, item in enumerate(value):
        item_path = at(full, number)
        if not isinstance(item, dict):
            errors.add(item_path, "each stream must be an object")
            continue
        clean, echo = read(errors, item, item_path, STREAM_KINDS)
        clean["video_codec"] = clean["video_codec"] or "libx264"
        echo["video_codec"] = clean["video_codec"]
        cleaned.append(clean)
        echoed.append(echo)
    return cleaned, echoed


def logo(errors: FieldErrors, data: dict, path: str, checks: PlaceChecks) -> tuple[dict | None, dict | None]:
    value = obj(errors, data, path, "logo")
    if value is None:
        return None, None
    full = at(path, "logo")
    offset = Number(low=-10_000, high=10_000, integer=True, text=True, zero_unset=False)
    place, place_echo = read(errors, value, full, {"x": offset, "y": offset})
    source = asset_source(errors, value, full, "source", checks)
    echo = {"source": _shown(value.get("source")), "x": place_echo["x"] or "0", "y": place_echo["y"] or "0"}
    clean = {"source": source, "x": place["x"] or 0, "y": place["y"] or 0}
    return (clean if source else None), echo


def subtitles(errors: FieldErrors, data: dict, path: str, checks: PlaceChecks) -> tuple[dict | None, dict | None]:
    """{"sources": [{"source", "language"}], "copy": 0|1}."""
    value = obj(errors, data, path, "subtitles")
    if value is None:
        return None, None
    full = at(path, "subtitles")
    copy, copy_echo = read(errors, value, full, {"copy": Number(integer=True, high=1)})
    sources = value.get("sources") or []
    if not isinstance(sources, list) or len(sources) > MAX_SUBTITLES:
        errors.add(at(full, "sources"), f"sources must be a list of at most {MAX_SUBTITLES} subtitle files")
        sources = []
    tracks, echoed = [], []
    for number, item in enumerate(sources):
        item_path = at(at(full, "sources"), number)
        if not isinstance(item, dict):
            errors.add(item_path, "each subtitle source must be an object with source and language")
            continue
        source = asset_source(errors, item, item_path, "source", checks)
        language = item.get("language")
        if not isinstance(language, str) or not LANGUAGE.match(language.strip()):
            errors.add(at(item_path, "language"), "language must be a language code such as eng, en or pt-BR")
            language = None
        echoed.append({"source": _shown(item.get("source")), "language": language or ""})
        if source and language:
            tracks.append((source, language.strip()))
    return {"sources": tracks, "copy": bool(copy["copy"])}, {"sources": echoed, "copy": copy_echo["copy"]}


def asset_source(errors: FieldErrors, data: dict, path: str, name: str, checks: PlaceChecks) -> str | None:
    """An http(s) URL, an s3:// URL (with its credentials in the query) or a path in the library."""
    value = data.get(name)
    full = at(path, name)
    if not isinstance(value, str) or not value.strip():
        errors.add(full, f"{name} is required: an http(s) URL, an s3:// URL or a path in your library")
        return None
    value = value.strip()
    if value.startswith("s3://"):
        location = parse_s3_field(errors, full, value)
        if location is None:
            return None
        checks.add(full, Place(location, write=False))
        return value
    if "://" in value:
        if not is_http_url(value):
            errors.add(full, f"{name} must be an http(s) URL, an s3:// URL or a path in your library")
            return None
        return value
    if ".." in value.replace("\\", "/").split("/"):
        errors.add(full, f"{leaf(full)} must not contain '..'")
        return None
    checks.add(full, Place(path=value))
    return value


def _shown(value: Any) -> Any:
    return mask_url(value) if isinstance(value, str) and value.startswith("s3://") else value

"""POST …/transcoding_jobs/ body → a job to create, or a 400 listing every failing field.

Fields are checked one by one with DRF's own fields (so the messages are DRF's, as TPStreams'
are), then across fields (exactly one input), then the S3 locations that parsed are checked
against their servers. Nothing is created unless all of it passes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rest_framework import serializers
from rest_framework.fields import SkipField

from media_platform.api.common.fields import FieldErrors
from media_platform.storage.s3 import S3Location

from .locations import MAX_LOCATION, Input, Invalid, check_s3, masked, parse_input_url, parse_s3
from .presenters import METADATA_TEXT

RESOLUTIONS = ("240p", "360p", "480p", "720p", "1080p")
MAX_METADATA_BYTES = 10 * 1024
S3_PATH = "s3://bucket/path/?access_key=<access_key>&secret_key=<secret_key>&region=<region>[&endpoint=<url>]"


class JobInput(serializers.Serializer):
    """The request body (also its OpenAPI schema). Exactly one of input_url and input_path (null is absent)."""

    input_url = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=MAX_LOCATION,
        help_text="The video's http(s) URL, or its S3 path (as input_path).",
    )
    input_path = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=MAX_LOCATION,
        help_text=f"The video's S3 path: {S3_PATH}; a trailing slash is fine.",
    )
    output_path = serializers.CharField(max_length=MAX_LOCATION, help_text=f"Where the outputs go: {S3_PATH}.")
    resolutions = serializers.ListField(
        child=serializers.ChoiceField(choices=RESOLUTIONS),
        allow_empty=False,
        help_text="Renditions of the HLS ladder; those above the source's size are left out (never upscaled).",
    )
    client_metadata = serializers.DictField(
        required=False,
        allow_null=True,
        help_text="Any JSON object up to 10 KB, returned verbatim in responses and webhooks.",
    )


@dataclass(frozen=True)
class ValidJob:
    input: Input
    input_field: str  # input_url | input_path: the key the client used
    output: S3Location
    output_path: str
    resolutions: list[str]
    client_metadata: Any
    client_metadata_text: str | None  # as serialized: keeps key order whatever the database does with JSON

    def masked_request(self) -> dict:
        """What the process keeps of the request: credentials masked."""
        return {
            self.input_field: masked(self.input.url),
            "output_path": masked(self.output_path),
            "resolutions": self.resolutions,
            METADATA_TEXT: self.client_metadata_text,
        }


def _messages(detail) -> list:
    """A DRF detail's messages; nested ones (a list's bad item) flattened, once per item as DRF lists them."""
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _messages(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _messages(value)]
    return [detail]


def validate_job(data) -> ValidJob:
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise serializers.ValidationError(
            {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}
        )
    errors = FieldErrors(unique=False)  # {"field": ["message", …]}
    values = _fields(data, errors)
    input_field = _input_field(values, errors)
    source = _parse(errors, input_field, values.get(input_field), object_required=True) if input_field else None
    output = _parse(errors, "output_path", values.get("output_path"), object_required=False)
    metadata_text = _metadata_text(data.get("client_metadata"), errors)
    if source is not None and source.s3 is not None and (problem := check_s3(source.s3, write=False)):
        errors.add(input_field, problem)
    if output is not None and output.s3 is not None and (problem := check_s3(output.s3, write=True)):
        errors.add("output_path", problem)
    if errors:
        raise serializers.ValidationError(errors.by_field())
    assert source is not None and output is not None and output.s3 is not None and input_field
    return ValidJob(
        input=source,
        input_field=input_field,
        output=output.s3,
        output_path=output.url,
        resolutions=list(dict.fromkeys(values["resolutions"])),
        client_metadata=data.get("client_metadata"),
        client_metadata_text=metadata_text,
    )


def _fields(data: dict, errors: FieldErrors) -> dict:
    values = {}
    for name, field in JobInput().fields.items():
        try:
            values[name] = field.run_validation(field.get_value(data))
        except SkipField:
            continue
        except serializers.ValidationError as exc:
            errors.add(name, *_messages(exc.detail))
    return values


def _input_field(values: dict, errors: FieldErrors) -> str | None:
    given = [name for name in ("input_url", "input_path") if values.get(name)]
    if len(given) == 2:
        for name in given:
            errors.add(name, "Provide either input_url or input_path, not both.")
        return None
    if not given:
        if not errors.has("input_url") and not errors.has("input_path"):
            for name in ("input_url", "input_path"):
                errors.add(name, "Provide input_url or input_path.")
        return None
    return given[0]


def _parse(errors: FieldErrors, field: str, value: str | None, *, object_required: bool) -> Input | None:
    if not value:
        return None
    try:
        if field == "input_url":
            return parse_input_url(value)
        return Input(value, parse_s3(value, object_required=object_required))
    except Invalid as exc:
        errors.add(field, str(exc))
        return None


def _metadata_text(value, errors: FieldErrors) -> str | None:
    if not isinstance(value, dict):
        return None  # absent or null; anything else was reported by the field
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    size = len(text.encode())
    if size > MAX_METADATA_BYTES:
        errors.add("client_metadata", f"Ensure client_metadata is at most 10 KB when serialized (it is {size} bytes).")
    return text

"""The request API's bodies as OpenAPI components. Requests are checked by validate.py (every
field at once, in the service's words); these describe them for the schema and Swagger UI."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from media_platform.engine.spec import GRAVITIES

from .jobs import AUDIO_CODECS, JOB_TYPES, QUALITIES, TRANSFORMATION_TYPES, VIDEO_CODECS
from .validate import PRIORITIES


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "number"}], "example": "50%"})
class LengthField(serializers.Field):
    """Pixels (100, "100", "100px") or a share ("50%", "50h" / "50w")."""


class Transformation(serializers.Serializer):
    type = serializers.ChoiceField(TRANSFORMATION_TYPES)
    width = LengthField(required=False, help_text="resize, crop, watermark: one of width or height is required")
    height = LengthField(required=False)
    upscale = serializers.BooleanField(required=False, default=False, help_text="resize")
    start_time = serializers.FloatField(required=False, min_value=0, help_text="trim")
    duration = serializers.FloatField(required=False, min_value=0, help_text="trim")
    gravity = serializers.ChoiceField(GRAVITIES, required=False, help_text="crop: center; watermark: southeast")
    xoffset = LengthField(required=False)
    yoffset = LengthField(required=False)
    source = serializers.CharField(required=False, help_text="watermark: a path in your storage, a URL or s3:// URL")
    opacity = serializers.FloatField(required=False, min_value=0, max_value=1, default=1, help_text="watermark")


class Job(serializers.Serializer):
    type = serializers.ChoiceField(JOB_TYPES)
    video_codec = serializers.ChoiceField(VIDEO_CODECS, required=False, help_text="encode (required), preview_clip")
    audio_codec = serializers.ChoiceField(AUDIO_CODECS, required=False, help_text="encode (required)")
    quality = serializers.ChoiceField(QUALITIES, required=False, default="standard", help_text="encode")
    fps = serializers.FloatField(required=False, min_value=0, max_value=60, help_text="encode: up to 2 decimals")
    destination = serializers.CharField(
        required=False, help_text="encode, preview_clip (.mp4), screenshots (.jpg, %d when quantity > 1)"
    )
    num_snippets = serializers.IntegerField(required=False, default=5, min_value=1, help_text="preview_clip")
    snippet_duration = serializers.FloatField(required=False, default=1, help_text="preview_clip, seconds")
    destination_dir = serializers.CharField(required=False, help_text="storyboard")
    sprite_file = serializers.CharField(required=False, help_text="storyboard, .jpg")
    vtt_file = serializers.CharField(required=False, help_text="storyboard, .vtt")
    interval = serializers.FloatField(required=False, default=10, help_text="storyboard, seconds")
    sprite_columns = serializers.IntegerField(required=False, default=10, min_value=1, help_text="storyboard")
    quantity = serializers.IntegerField(required=False, min_value=1, help_text="screenshots (required)")
    transformations = Transformation(many=True, required=False)


class EncodingRequest(serializers.Serializer):
    service_id = serializers.IntegerField()
    source = serializers.CharField(help_text="A path in your storage, an http(s) URL or an s3:// URL")
    priority = serializers.ChoiceField(PRIORITIES, required=False)
    callback = serializers.URLField(required=False)
    jobs = Job(many=True)


class RequestReceived(serializers.Serializer):
    process_id = serializers.CharField()
    status = serializers.IntegerField()
    description = serializers.CharField()


class FieldError(serializers.Serializer):
    name = serializers.CharField()
    message = serializers.ListField(child=serializers.CharField())


class ValidationErrorBody(serializers.Serializer):
    status = serializers.IntegerField()
    error = serializers.CharField()
    details = FieldError(many=True)


class ErrorBody(serializers.Serializer):
    status = serializers.IntegerField()
    error = serializers.CharField()
    message = serializers.CharField()
    error_code = serializers.CharField()


class NotFoundBody(serializers.Serializer):
    status = serializers.IntegerField()
    message = serializers.CharField()
    description = serializers.CharField()
    error_code = serializers.CharField()


class StatusBody(serializers.Serializer):
    status = serializers.CharField()
    updated_at = serializers.CharField()
    fail_message = serializers.CharField(required=False)


class Cost(serializers.Serializer):
    base_credits_per_second = serializers.FloatField()
    total_multiplier = serializers.FloatField()
    credits = serializers.FloatField()
    billed_seconds = serializers.FloatField()
    encoded_seconds = serializers.FloatField()
    billed_credits_per_second = serializers.FloatField()


class JobCost(Cost):
    multipliers = serializers.ListField(child=serializers.FloatField())


def _file_fields() -> dict:
    return {
        "audio_codec": serializers.CharField(allow_null=True),
        "bit_rate": serializers.IntegerField(allow_null=True),
        "extension": serializers.CharField(allow_null=True),
        "file_md5": serializers.CharField(allow_null=True),
        "file_name": serializers.CharField(allow_null=True),
        "file_sha1": serializers.CharField(allow_null=True),
        "file_size": serializers.IntegerField(allow_null=True),
        "fps": serializers.FloatField(allow_null=True),
        "height": serializers.IntegerField(allow_null=True),
        "video_codec": serializers.CharField(allow_null=True),
        "width": serializers.IntegerField(allow_null=True),
    }


Source = type(
    "Source",
    (serializers.Serializer,),
    {
        **_file_fields(),
        "audio_duration": serializers.FloatField(allow_null=True),
        "is_portrait": serializers.BooleanField(allow_null=True),
        "video_duration": serializers.FloatField(allow_null=True),
    },
)

ProcessJob = type(
    "ProcessJob",
    (serializers.Serializer,),
    {
        **_file_fields(),
        "cost": JobCost(),
        "created_at": serializers.CharField(allow_null=True),
        "duration": serializers.FloatField(allow_null=True),
        "finished_at": serializers.CharField(allow_null=True),
        "finished_upload_at": serializers.CharField(allow_null=True),
        "id": serializers.CharField(),
        "index": serializers.IntegerField(),
        "started_upload_at": serializers.CharField(allow_null=True),
        "status": serializers.CharField(),
        "type": serializers.ChoiceField(["ENCODE", "PREVIEW_CLIP", "STORYBOARD", "SCREENSHOTS"]),
    },
)


class ProcessDetail(serializers.Serializer):
    process_id = serializers.CharField()
    success = serializers.IntegerField()
    status = serializers.CharField()
    cost = Cost()
    source = Source()
    finished_download_at = serializers.CharField(allow_null=True)
    jobs = ProcessJob(many=True)


class RetryRequest(serializers.Serializer):
    service_id = serializers.IntegerField()
    process_ids = serializers.ListField(child=serializers.CharField())


class RetryResult(serializers.Serializer):
    status = serializers.IntegerField()
    process_id = serializers.CharField()
    description = serializers.CharField()


ERRORS = {401: ErrorBody, 403: ErrorBody, 429: ErrorBody}

"""The service's bodies for the OpenAPI schema. Responses are rendered by
payloads.job_payload, the webhook's builder, so the API and
the webhook cannot drift apart; a test holds this schema to what it renders."""

from __future__ import annotations

from rest_framework import serializers

from .payloads import STATUS
from .validate import RESOLUTIONS

STATUS_WORDS = tuple(dict.fromkeys(STATUS.values()))


class Job(serializers.Serializer):
    id = serializers.CharField(help_text="The job's id")
    resolutions = serializers.ListField(child=serializers.ChoiceField(choices=RESOLUTIONS))
    video_duration = serializers.IntegerField(allow_null=True, help_text="Seconds; null until the input is probed")
    status = serializers.ChoiceField(choices=STATUS_WORDS)
    input_url = serializers.CharField(help_text="The input as sent (input_url or input_path), credentials masked")
    input_path = serializers.CharField(required=False, help_text="Present when input_path was sent; masked")
    output_path = serializers.CharField(help_text="Credentials masked: access_key=****abcd")
    start_time = serializers.DateTimeField(allow_null=True)
    end_time = serializers.DateTimeField(allow_null=True)
    error_message = serializers.CharField(allow_null=True)
    client_metadata = serializers.DictField(allow_null=True, help_text="As sent, verbatim")


class JobPage(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = Job(many=True)


class ErrorDetail(serializers.Serializer):
    detail = serializers.CharField()


class ValidationErrors(serializers.Serializer):
    """Every failing field, each with its messages."""

    input_url = serializers.ListField(child=serializers.CharField(), required=False)
    input_path = serializers.ListField(child=serializers.CharField(), required=False)
    output_path = serializers.ListField(child=serializers.CharField(), required=False)
    resolutions = serializers.ListField(child=serializers.CharField(), required=False)
    client_metadata = serializers.ListField(child=serializers.CharField(), required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


ERRORS = {401: ErrorDetail, 403: ErrorDetail}

"""Transcribe and Smart Generate: queued here, run by a worker (services.smart)."""

from __future__ import annotations

import re

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from media_platform.services.smart import SmartRefused, video_smart_generate, video_transcribe

from ..base import BunnyApiView
from ..errors import error, ok
from ..serializers import ERRORS, StatusModel

LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
LANGUAGE = serializers.RegexField(LANGUAGE_CODE, required=False, allow_null=True, allow_blank=True)


def _features(values: dict) -> list[str]:
    names = {"generateTitle": "title", "generateDescription": "description"}
    names |= {"generateChapters": "chapters", "generateMoments": "moments"}
    return [feature for field, feature in names.items() if values.get(field)]


class SmartGenerateModel(serializers.Serializer):
    generateTitle = serializers.BooleanField(required=False, default=False)
    generateDescription = serializers.BooleanField(required=False, default=False)
    generateChapters = serializers.BooleanField(required=False, default=False)
    generateMoments = serializers.BooleanField(required=False, default=False)
    sourceLanguage = LANGUAGE


class TranscribeSettings(SmartGenerateModel):
    targetLanguages = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, allow_null=True, max_length=50
    )


class VideoTranscribeApi(BunnyApiView):
    @extend_schema(
        operation_id="Video_TranscribeVideo",
        request=TranscribeSettings,
        parameters=[OpenApiParameter("language", str), OpenApiParameter("force", bool)],
        responses={200: StatusModel, 400: StatusModel, **ERRORS},
    )
    def post(self, request, library_id: int, video_id: str):
        video = self.get_video(video_id)
        data = TranscribeSettings(data=request.data if isinstance(request.data, dict) else {})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        language = (values.get("sourceLanguage") or request.query_params.get("language") or "").lower() or None
        if language and not LANGUAGE_CODE.match(language):
            return error(400, "language must be an ISO 639-1 code")
        try:
            video_transcribe(
                video=video,
                language=language,
                force=request.query_params.get("force", "").lower() == "true",
                features=_features(values),
                target_languages=values.get("targetLanguages") or [],
            )
        except SmartRefused as exc:
            return error(400, str(exc))
        return ok()


class VideoSmartGenerateApi(BunnyApiView):
    @extend_schema(
        operation_id="Video_SmartGenerate",
        request=SmartGenerateModel,
        responses={200: StatusModel, 400: StatusModel, **ERRORS},
    )
    def post(self, request, library_id: int, video_id: str):
        video = self.get_video(video_id)
        data = SmartGenerateModel(data=request.data if isinstance(request.data, dict) else {})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            video_smart_generate(
                video=video, features=_features(values), language=(values.get("sourceLanguage") or "").lower() or None
            )
        except SmartRefused as exc:
            return error(400, str(exc))
        return ok()

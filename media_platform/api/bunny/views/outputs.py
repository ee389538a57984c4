"""Operations on a video's encoded outputs: add an output codec, repackage, clean up resolutions."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework.response import Response

from media_platform.selectors.videos import video_queryset
from media_platform.services import videos as video_services
from media_platform.services.output_codecs import UnknownCodec, codec_named, parse_output_codecs
from media_platform.services.video_cleanup import CleanupRefused, chosen_resolutions, video_resolutions_cleanup
from media_platform.services.video_repackage import NothingToRepackage, video_repackage

from ..base import BunnyApiView
from ..errors import error, ok
from ..serializers import ERRORS, StatusModel, VideoModel

CODEC_IDS = "EncoderOutputCodec: 0 x264, 1 vp9, 2 hevc, 3 av1 (the names are accepted too)"


def flag(request, name: str, default: bool = False) -> bool:
    value = request.query_params.get(name)
    return default if value in (None, "") else value.strip().lower() in ("true", "1", "yes")


class VideoOutputCodecApi(BunnyApiView):
    """PUT …/outputs/{outputCodecId}: encode the video again with that codec added to its outputs."""

    @extend_schema(
        operation_id="Video_ReencodeUsingCodec",
        request=None,
        parameters=[
            OpenApiParameter(
                "outputCodecId",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                enum=[0, 1, 2, 3],
                description="0 x264, 1 vp9, 2 hevc, 3 av1",
            )
        ],
        responses={200: VideoModel, 400: StatusModel, **ERRORS},
    )
    def put(self, request, library_id: int, video_id: str, output_codec_id: str):
        video = self.get_video(video_id)
        try:
            codec = codec_named(output_codec_id)
            codecs = parse_output_codecs(f"{video.output_codecs},{codec}")
        except UnknownCodec as exc:
            return error(400, str(exc))
        if codec != "x264" and self.library.encrypt_hls:
            return error(400, "Only x264 is available in a library that encrypts its HLS.")
        try:
            video_services.video_reencode(video=video, output_codecs=codecs)
        except video_services.OriginalMissing:
            return error(400, "Original file is missing")
        return Response(VideoModel(self.get_video(video_id, video_queryset())).data)


class VideoRepackageApi(BunnyApiView):
    @extend_schema(
        operation_id="Video_Repackage",
        request=None,
        parameters=[OpenApiParameter("keepOriginalFiles", bool)],
        responses={200: VideoModel, 400: StatusModel, **ERRORS},
    )
    def post(self, request, library_id: int, video_id: str):
        video = self.get_video(video_id)
        try:
            video_repackage(video=video, keep_original_files=flag(request, "keepOriginalFiles", True))
        except NothingToRepackage as exc:
            return error(400, str(exc))
        return Response(VideoModel(self.get_video(video_id, video_queryset())).data)


class VideoResolutionsCleanupApi(BunnyApiView):
    @extend_schema(
        operation_id="Video_DeleteResolutions",
        request=None,
        parameters=[
            OpenApiParameter("resolutionsToDelete", str),
            OpenApiParameter("deleteNonConfiguredResolutions", bool),
            OpenApiParameter("deleteOriginal", bool),
            OpenApiParameter("deleteMp4Files", bool),
            OpenApiParameter("dryRun", bool),
        ],
        responses={200: StatusModel, 400: StatusModel, **ERRORS},
    )
    def post(self, request, library_id: int, video_id: str):
        video = self.get_video(video_id)
        resolutions = chosen_resolutions(
            video, request.query_params.get("resolutionsToDelete"), flag(request, "deleteNonConfiguredResolutions")
        )
        dry_run = flag(request, "dryRun")
        try:
            cleanup = video_resolutions_cleanup(
                video=video,
                resolutions=resolutions,
                delete_original=flag(request, "deleteOriginal"),
                delete_mp4=flag(request, "deleteMp4Files"),
                dry_run=dry_run,
            )
        except CleanupRefused as exc:
            return error(400, str(exc))
        return ok(cleanup.describe(dry_run))

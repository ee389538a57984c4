"""bunny's Manage Videos operations."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from media_platform.api.common.pagination import int_param, paginate
from media_platform.api.common.streams import body_stream
from media_platform.engine.ladder import parse_resolutions
from media_platform.models import Collection
from media_platform.models.video import MAX_THUMBNAIL_TIME_MS
from media_platform.selectors.videos import video_list, video_queryset
from media_platform.services import videos as video_services
from media_platform.services.jit import jit_prepare
from media_platform.services.output_codecs import UnknownCodec, upload_codecs

from ..base import BunnyApiView, is_uuid
from ..errors import error, ok
from ..page_cache import page_get, page_keep
from ..serializers import ERRORS, ChapterModel, MetaTagModel, MomentModel, StatusModel, VideoModel, VideoPage, page_body


def _collection(view: BunnyApiView, collection_id: str | None) -> Collection | None:
    return view.get_collection(collection_id) if collection_id else None


class VideosApi(BunnyApiView):
    """GET lists the library's videos; POST creates one."""

    class CreateInput(serializers.Serializer):
        title = serializers.CharField(min_length=1, max_length=500)
        collectionId = serializers.CharField(required=False, allow_blank=True, allow_null=True)
        thumbnailTime = serializers.IntegerField(
            required=False, allow_null=True, min_value=0, max_value=MAX_THUMBNAIL_TIME_MS
        )

    @extend_schema(
        operation_id="Video_List",
        responses={200: VideoPage, **ERRORS},
        parameters=[
            OpenApiParameter("page", int),
            OpenApiParameter("itemsPerPage", int),
            OpenApiParameter("search", str),
            OpenApiParameter("collection", str),
            OpenApiParameter("orderBy", str),
        ],
    )
    def get(self, request, library_id: int):
        params = request.query_params
        if params.get("collection") and not is_uuid(params["collection"]):
            return error(400, "collection must be a collection id (a GUID)")
        query = (
            int_param(params, "page", 1, high=10**9),
            int_param(params, "itemsPerPage", 100),
            params.get("search") or None,
            params.get("collection") or None,
            params.get("orderBy"),
        )
        # Kept pages are plain JSON, what clients ask for; a media type with parameters (indent=…)
        # renders differently and is rendered each time. Inside a transaction its own writes are
        # not counted yet (PostgreSQL counts at commit): rendered each time too.
        plain = request.accepted_media_type == "application/json"
        if settings.BUNNY_LIST_CACHE_PAGES <= 0 or not plain or connection.in_atomic_block:
            return Response(self._page(*query))
        key = (self.library.pk, *query)
        version = self.keyed.content_version  # read before the page: see page_cache
        body = page_get(key, version)
        if body is None:
            body = JSONRenderer().render(self._page(*query), "application/json", self.get_renderer_context())
            page_keep(key, version, body)
        return HttpResponse(body, content_type="application/json")

    def _page(self, page: int, size: int, search: str | None, collection: str | None, order_by: str | None) -> dict:
        queryset = video_list(library=self.library, search=search, collection_guid=collection, order_by=order_by)
        return page_body(paginate(queryset, page=page, size=size), VideoModel)

    @extend_schema(operation_id="Video_CreateVideo", request=CreateInput, responses={200: VideoModel, **ERRORS})
    def post(self, request, library_id: int):
        data = self.CreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        video = video_services.video_create(
            library=self.library,
            title=data.validated_data["title"],
            collection=_collection(self, data.validated_data.get("collectionId")),
            thumbnail_time=data.validated_data.get("thumbnailTime"),
        )
        return Response(VideoModel(self.get_video(str(video.guid), video_queryset())).data)


class VideoApi(BunnyApiView):
    """GET a video; POST updates it; PUT uploads its file; DELETE deletes it."""

    class UpdateInput(serializers.Serializer):
        title = serializers.CharField(required=False, min_length=1, max_length=500)
        collectionId = serializers.CharField(required=False, allow_blank=True, allow_null=True)
        chapters = ChapterModel(many=True, required=False)
        moments = MomentModel(many=True, required=False)
        metaTags = MetaTagModel(many=True, required=False)

    @extend_schema(operation_id="Video_GetVideo", responses={200: VideoModel, **ERRORS})
    def get(self, request, library_id: int, video_id: str):
        return Response(VideoModel(self.get_video(video_id, video_queryset())).data)

    @extend_schema(operation_id="Video_UpdateVideo", request=UpdateInput, responses={200: StatusModel, **ERRORS})
    def post(self, request, library_id: int, video_id: str):
        video = self.get_video(video_id)
        data = self.UpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        changes = {
            "title": values.get("title"),
            "chapters": values.get("chapters"),
            "moments": values.get("moments"),
            "meta_tags": values.get("metaTags"),
        }
        if "collectionId" in values:
            changes["collection"] = _collection(self, values["collectionId"])
        video_services.video_update(video=video, **changes)
        return ok()

    @extend_schema(
        operation_id="Video_UploadVideo",
        request={"application/octet-stream": bytes},
        parameters=[
            OpenApiParameter("jitEnabled", bool),
            OpenApiParameter("enabledResolutions", str),
            OpenApiParameter("enabledOutputCodecs", str),
        ],
        responses={200: StatusModel, 400: StatusModel, **ERRORS},
    )
    def put(self, request, library_id: int, video_id: str):
        video = self.get_video(video_id)
        jit = request.query_params.get("jitEnabled")
        if jit is not None and jit.lower() not in ("true", "false"):
            return error(400, "jitEnabled must be true or false")
        stream, length = body_stream(request)
        if length is not None and length > settings.MAX_UPLOAD_BYTES:
            return error(413, f"The upload is larger than the {settings.MAX_UPLOAD_BYTES}-byte limit.")
        resolutions = parse_resolutions(request.query_params.get("enabledResolutions", ""))
        try:
            codecs = upload_codecs(request.query_params.get("enabledOutputCodecs"), self.library)
        except UnknownCodec as exc:
            return error(400, str(exc))
        try:
            video = video_services.video_upload(
                video=video,
                stream=stream,
                content_length=length,
                resolutions=resolutions,
                output_codecs=codecs,
                jit_enabled=None if jit is None else jit.lower() == "true",
            )
        except video_services.UploadFailed as exc:
            return error(400, f"Upload failed: {exc}")
        jit_prepare(video=video)  # after the upload's commit: playable in seconds, JIT or fast start
        return ok()

    @extend_schema(operation_id="Video_DeleteVideo", responses={200: StatusModel, **ERRORS})
    def delete(self, request, library_id: int, video_id: str):
        video_services.video_delete(video=self.get_video(video_id))
        return ok()


class VideoReencodeApi(BunnyApiView):
    @extend_schema(
        operation_id="Video_ReencodeVideo", request=None, responses={200: VideoModel, 400: StatusModel, **ERRORS}
    )
    def post(self, request, library_id: int, video_id: str):
        video = self.get_video(video_id)
        try:
            video_services.video_reencode(video=video)
        except video_services.OriginalMissing:
            return error(400, "Original file is missing")
        return Response(VideoModel(self.get_video(video_id, video_queryset())).data)


class VideoFetchApi(BunnyApiView):
    class FetchInput(serializers.Serializer):
        url = serializers.URLField(max_length=4000)
        headers = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, allow_null=True)
        title = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=500)

    class FetchQuery(serializers.Serializer):
        thumbnailTime = serializers.IntegerField(
            required=False, allow_null=True, min_value=0, max_value=MAX_THUMBNAIL_TIME_MS
        )

    @extend_schema(
        operation_id="Video_FetchNewVideo",
        request=FetchInput,
        parameters=[OpenApiParameter("collectionId", str), OpenApiParameter("thumbnailTime", int)],
        responses={200: StatusModel, **ERRORS},
    )
    def post(self, request, library_id: int):
        data = self.FetchInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        query = self.FetchQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        video = video_services.video_fetch(
            library=self.library,
            url=values["url"],
            headers=values.get("headers") or {},
            title=values.get("title") or None,
            collection=_collection(self, request.query_params.get("collectionId")),
            thumbnail_time=query.validated_data.get("thumbnailTime"),
        )
        return ok(id=str(video.guid))

"""bunny's Manage Collections operations."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from media_platform.api.common.pagination import int_param, paginate
from media_platform.selectors.collections import attach_previews, collection_get, collection_list
from media_platform.services import collections as collection_services

from ..base import BunnyApiView
from ..errors import ok
from ..serializers import ERRORS, CollectionModel, CollectionPage, StatusModel, page_body


class NameInput(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=500)


def _context(request) -> dict:
    include = request.query_params.get("includeThumbnails", "").lower() == "true"
    return {"playback_base": settings.PUBLIC_BASE_URL} if include else {}


class CollectionsApi(BunnyApiView):
    @extend_schema(
        operation_id="Collection_List",
        parameters=[
            OpenApiParameter("page", int),
            OpenApiParameter("itemsPerPage", int),
            OpenApiParameter("search", str),
            OpenApiParameter("orderBy", str),
            OpenApiParameter("includeThumbnails", bool),
        ],
        responses={200: CollectionPage, **ERRORS},
    )
    def get(self, request, library_id: int):
        params = request.query_params
        queryset = collection_list(library=self.library, search=params.get("search"), order_by=params.get("orderBy"))
        page = paginate(
            queryset, page=int_param(params, "page", 1, high=10**9), size=int_param(params, "itemsPerPage", 100)
        )
        attach_previews(page.items)
        return Response(page_body(page, CollectionModel, _context(request)))

    @extend_schema(
        operation_id="Collection_CreateCollection", request=NameInput, responses={200: CollectionModel, **ERRORS}
    )
    def post(self, request, library_id: int):
        data = NameInput(data=request.data)
        data.is_valid(raise_exception=True)
        collection = collection_services.collection_create(library=self.library, name=data.validated_data["name"])
        return Response(self._render(request, collection.guid))

    def _render(self, request, guid) -> dict:
        collection = collection_get(library=self.library, guid=guid)
        attach_previews([collection])
        return CollectionModel(collection, context=_context(request)).data


class CollectionApi(BunnyApiView):
    @extend_schema(operation_id="Collection_GetCollection", responses={200: CollectionModel, **ERRORS})
    def get(self, request, library_id: int, collection_id: str):
        collection = self.get_collection(collection_id)
        found = collection_get(library=self.library, guid=collection.guid)
        if found is None:
            raise Http404("Collection not found")
        attach_previews([found])
        return Response(CollectionModel(found, context=_context(request)).data)

    @extend_schema(
        operation_id="Collection_UpdateCollection", request=NameInput, responses={200: StatusModel, **ERRORS}
    )
    def post(self, request, library_id: int, collection_id: str):
        collection = self.get_collection(collection_id)
        data = NameInput(data=request.data)
        data.is_valid(raise_exception=True)
        collection_services.collection_update(collection=collection, name=data.validated_data["name"])
        return ok()

    @extend_schema(operation_id="Collection_DeleteCollection", responses={200: StatusModel, **ERRORS})
    def delete(self, request, library_id: int, collection_id: str):
        collection_services.collection_delete(collection=self.get_collection(collection_id))
        return ok()

"""bunny Stream API paths, as video.bunnycdn.com has them (a trailing slash is tolerated)."""

from django.urls import re_path

from .views.assets import VideoCaptionApi, VideoResolutionsApi, VideoThumbnailApi
from .views.collections import CollectionApi, CollectionsApi
from .views.videos import VideoApi, VideoFetchApi, VideoReencodeApi, VideosApi

LIB = r"^library/(?P<library_id>\d+)"
VIDEO = LIB + r"/videos/(?P<video_id>[0-9a-fA-F-]{36})"

urlpatterns = [
    re_path(LIB + r"/videos/?$", VideosApi.as_view(), name="bunny-videos"),
    re_path(LIB + r"/videos/fetch/?$", VideoFetchApi.as_view(), name="bunny-video-fetch"),
    re_path(VIDEO + r"/?$", VideoApi.as_view(), name="bunny-video"),
    re_path(VIDEO + r"/reencode/?$", VideoReencodeApi.as_view(), name="bunny-video-reencode"),
    re_path(VIDEO + r"/thumbnail/?$", VideoThumbnailApi.as_view(), name="bunny-video-thumbnail"),
    re_path(VIDEO + r"/captions/(?P<srclang>[A-Za-z0-9_-]{1,20})/?$", VideoCaptionApi.as_view(), name="bunny-caption"),
    re_path(VIDEO + r"/resolutions/?$", VideoResolutionsApi.as_view(), name="bunny-video-resolutions"),
    re_path(LIB + r"/collections/?$", CollectionsApi.as_view(), name="bunny-collections"),
    re_path(
        LIB + r"/collections/(?P<collection_id>[0-9a-fA-F-]{36})/?$", CollectionApi.as_view(), name="bunny-collection"
    ),
]

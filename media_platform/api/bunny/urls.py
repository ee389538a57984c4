"""bunny Stream API paths, as video.bunnycdn.com has them (a trailing slash is tolerated)."""

from django.urls import re_path

from .views.assets import VideoCaptionApi, VideoResolutionsApi, VideoThumbnailApi
from .views.collections import CollectionApi, CollectionsApi
from .views.outputs import VideoOutputCodecApi, VideoRepackageApi, VideoResolutionsCleanupApi
from .views.play import OEmbedApi, VideoHeatmapDataApi, VideoPlayDataApi
from .views.smart import VideoSmartGenerateApi, VideoTranscribeApi
from .views.statistics import VideoHeatmapApi, VideoStatisticsApi
from .views.storage import VideoStorageSizeApi
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
urlpatterns += [
    re_path(VIDEO + r"/play/?$", VideoPlayDataApi.as_view(), name="bunny-video-play"),
    re_path(VIDEO + r"/play/heatmap/?$", VideoHeatmapDataApi.as_view(), name="bunny-video-play-heatmap"),
    re_path(VIDEO + r"/heatmap/?$", VideoHeatmapApi.as_view(), name="bunny-video-heatmap"),
    re_path(LIB + r"/statistics/?$", VideoStatisticsApi.as_view(), name="bunny-statistics"),
    re_path(VIDEO + r"/storage/?$", VideoStorageSizeApi.as_view(), name="bunny-video-storage"),
    re_path(
        VIDEO + r"/outputs/(?P<output_codec_id>[A-Za-z0-9]{1,10})/?$",
        VideoOutputCodecApi.as_view(),
        name="bunny-video-output",
    ),
    re_path(VIDEO + r"/repackage/?$", VideoRepackageApi.as_view(), name="bunny-video-repackage"),
    re_path(VIDEO + r"/resolutions/cleanup/?$", VideoResolutionsCleanupApi.as_view(), name="bunny-cleanup"),
    re_path(VIDEO + r"/transcribe/?$", VideoTranscribeApi.as_view(), name="bunny-video-transcribe"),
    re_path(VIDEO + r"/smart/?$", VideoSmartGenerateApi.as_view(), name="bunny-video-smart"),
    re_path(r"^OEmbed/?$", OEmbedApi.as_view(), name="bunny-oembed"),
]

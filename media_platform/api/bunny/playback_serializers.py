"""bunny's models for playing and measuring videos: play data, OEmbed, heatmap, statistics, storage."""

from __future__ import annotations

from rest_framework import serializers

from .serializers import VideoModel


class VideoPlayDataModel(serializers.Serializer):
    video = VideoModel(allow_null=True)
    libraryName = serializers.CharField(allow_null=True)
    captionsPath = serializers.CharField(allow_null=True)
    seekPath = serializers.CharField(allow_null=True)
    thumbnailUrl = serializers.CharField(allow_null=True)
    fallbackUrl = serializers.CharField(allow_null=True)
    videoPlaylistUrl = serializers.CharField(allow_null=True)
    originalUrl = serializers.CharField(allow_null=True)
    previewUrl = serializers.CharField(allow_null=True)
    controls = serializers.CharField(allow_null=True)
    enableDRM = serializers.BooleanField()
    drmVersion = serializers.IntegerField()
    playerKeyColor = serializers.CharField(allow_null=True)
    vastTagUrl = serializers.CharField(allow_null=True)
    captionsFontSize = serializers.IntegerField()
    captionsFontColor = serializers.CharField(allow_null=True)
    captionsBackground = serializers.CharField(allow_null=True)
    uiLanguage = serializers.CharField(allow_null=True)
    allowEarlyPlay = serializers.BooleanField()
    tokenAuthEnabled = serializers.BooleanField()
    enableMP4Fallback = serializers.BooleanField()
    showHeatmap = serializers.BooleanField()
    fontFamily = serializers.CharField(allow_null=True)
    playbackSpeeds = serializers.CharField(allow_null=True)
    isPlayable = serializers.BooleanField()
    isPlaylistPlayable = serializers.BooleanField()


class VideoOEmbedModel(serializers.Serializer):
    version = serializers.CharField(allow_null=True)
    title = serializers.CharField(allow_null=True)
    type = serializers.CharField(allow_null=True)
    thumbnailUrl = serializers.CharField(allow_null=True)
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    html = serializers.CharField(allow_null=True)
    providerName = serializers.CharField(allow_null=True)
    providerUrl = serializers.CharField(allow_null=True)


class VideoHeatmapModel(serializers.Serializer):
    heatmap = serializers.DictField(child=serializers.IntegerField(), allow_null=True)


class VideoStatisticsModel(serializers.Serializer):
    viewsChart = serializers.DictField(child=serializers.IntegerField(), allow_null=True)
    watchTimeChart = serializers.DictField(child=serializers.IntegerField(), allow_null=True)
    countryViewCounts = serializers.DictField(child=serializers.IntegerField(), allow_null=True)
    countryWatchTime = serializers.DictField(child=serializers.IntegerField(), allow_null=True)
    engagementScore = serializers.IntegerField()


class CodecRenditionSizeModel(serializers.Serializer):
    codec = serializers.CharField(allow_null=True)
    resolution = serializers.CharField(allow_null=True)
    size = serializers.IntegerField()


class VideoStorageSizeModel(serializers.Serializer):
    encoded = serializers.DictField(child=CodecRenditionSizeModel(), allow_null=True)
    thumbnails = serializers.IntegerField()
    previews = serializers.IntegerField()
    originals = serializers.IntegerField()
    mp4Fallback = serializers.IntegerField()
    miscellaneous = serializers.IntegerField()
    calculatedAt = serializers.CharField(allow_null=True)


class StatusModelOfVideoStorageSizeModel(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField(allow_null=True)
    statusCode = serializers.IntegerField()
    data = VideoStorageSizeModel(allow_null=True)

"""What a player needs to play a video: bunny's VideoPlayDataModel, and the embed page's size."""

from __future__ import annotations

from django.conf import settings

from media_platform.engine.ladder import rung_sort_key
from media_platform.models import Video
from media_platform.status import VideoStatus

from .videos import video_mp4_outputs

# The player settings bunny keeps per library; ours are the same for every library.
PLAYER = {
    "controls": "play-large,play,progress,current-time,mute,volume,captions,settings,pip,fullscreen",
    "enableDRM": False,
    "drmVersion": 0,
    "playerKeyColor": "#ff7755",
    "vastTagUrl": None,
    "captionsFontSize": 20,
    "captionsFontColor": "#fff",
    "captionsBackground": "rgba(0,0,0,0.6)",
    "uiLanguage": "en",
    "allowEarlyPlay": False,
    "showHeatmap": False,
    "fontFamily": "sans-serif",
    "playbackSpeeds": "0.5,0.75,1,1.25,1.5,1.75,2",
}


def playback_url(video: Video, name: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/{video.guid}/{name}"


def fallback_url(video: Video) -> str | None:
    """The largest MP4 fallback (bunny's fallbacks stop at 720p)."""
    outputs = sorted(video_mp4_outputs(video), key=lambda output: rung_sort_key(output["rendition"]))
    return playback_url(video, outputs[-1]["path"]) if outputs else None


def is_playlist_playable(video: Video) -> bool:
    return bool(video.outputs_prefix) and bool(video.available_resolutions)


def video_play_data(video: Video) -> dict:
    """Everything but the VideoModel itself (the API view renders it): URLs and player settings."""
    playable = is_playlist_playable(video)
    thumbnail = video.thumbnail_file_name
    return {
        "libraryName": video.library.name,
        "captionsPath": playback_url(video, "captions/"),
        "seekPath": playback_url(video, "storyboard.vtt") if playable else None,
        "thumbnailUrl": playback_url(video, thumbnail) if thumbnail else None,
        "fallbackUrl": fallback_url(video),
        "videoPlaylistUrl": playback_url(video, "playlist.m3u8") if playable else None,
        "originalUrl": playback_url(video, "original") if video.has_original else None,
        "previewUrl": playback_url(video, "preview.webp") if playable else None,
        **PLAYER,
        "tokenAuthEnabled": video.library.sign_key_requests,
        "enableMP4Fallback": video.library.mp4_fallback,
        "isPlayable": playable or video.has_original,
        "isPlaylistPlayable": playable and video.status == VideoStatus.FINISHED,
    }


def embed_size(video: Video, max_width: int | None = None, max_height: int | None = None) -> tuple[int, int]:
    """The iframe's size: 640 wide at the video's aspect (16:9 before it is known), within the limits."""
    width = 640
    height = round(width * video.height / video.width) if video.width and video.height else 360
    for limit, index in ((max_width, 0), (max_height, 1)):
        if limit and limit > 0 and (width, height)[index] > limit:
            scale = limit / (width, height)[index]
            width, height = max(1, round(width * scale)), max(1, round(height * scale))
    return width, height

"""The service's own examples, as Swagger UI shows them (parts not supported yet left out)."""

from drf_spectacular.utils import OpenApiExample

DESTINATION = {
    "type": "s3",
    "is_passive": False,
    "key": "destination_key",
    "secret": "destination_secret",
    "bucket": "my_bucket",
    "region": "us-west-1",
    "path": "/path/to/destination",
    "endpoint": "https://destination-url.com/",
    "use_tls": True,
    "permissions": True,
}
STREAMS = [
    {"video_codec": "libx264", "height": 2160, "bitrate": 12000, "framerate": "30", "keyframe": "90"},
    {"video_codec": "libx264", "height": 1440, "bitrate": 8500, "framerate": "30", "keyframe": "90"},
]
SUBTITLES = {
    "sources": [
        {"source": "http://commondatastorage.googleapis.com/gtv-videos-bucket/sample/sub.txt", "language": "eng"}
    ],
    "copy": 1,
}
REQUEST = {
    "video_id": "abc123",
    "upscale": True,
    "webhook_config": {
        "url": "https://custom-client-webhook.com/notify",
        "headers": {"authorization": "Bearer token", "x-api-key": "api_key"},
    },
    "source": {
        "region": "us-west-1",
        "type": "s3",
        "is_passive": True,
        "key": "source_key",
        "secret": "source_secret",
        "bucket": "source_secret",
        "endpoint": "https://source-url.com",
        "path": "/video.mp4",
        "use_tls": True,
    },
    "format": [
        {
            "output": "mp4",
            "video_codec": "libx264",
            "height": 1440,
            "quality": 20,
            "bitrate": "1000",
            "audio_mute": True,
            "video_codec_parameters": {"max_rate": "1000", "preset": "medium", "vprofile": "main", "level": "31"},
            "framerate": 30,
            "keyframe": 90,
            "aspect_ratio": "16:9",
            "resize_mode": "crop",
            "start_time": "12",
            "duration": "10",
            "logo": {"source": "https://example.com/logo.png", "x": "10", "y": "10"},
            "audio_bitrate": "64",
        },
        {
            "output": "advanced_hls",
            "separate_audio": True,
            "destination": DESTINATION,
            "stream": STREAMS,
            "subtitles": SUBTITLES,
            "allow_soft_fail": 1,
            "playlist_name": "playlist.m3u8",
            "segment_duration": "6",
        },
        {"output": "advanced_mp4", "destination": DESTINATION, "stream": STREAMS, "subtitles": SUBTITLES},
        {"output": "thumbnail", "image_format": "jpg", "time": "0.1", "height": 270, "width": 270,
         "destination": DESTINATION},
        {"output": "gif", "height": 180, "width": 320, "framerate": 15, "destination": DESTINATION},
        {"output": "speech_to_text", "transcript": 1, "json": 1, "srt": 1, "vtt": 1, "mode": "balanced",
         "destination": DESTINATION},
    ],
}  # fmt: skip
RESPONSE = {
    "message": "Transcoding job created successfully",
    "result": {
        "id": "V1StGXR8_Z5jdHi6B-myT",
        "video_id": "video123",
        "status": "queued",
        "progress": 0.0,
        "upscale": False,
        "webhook_config": {"url": "https://example.com/webhook", "headers": {"authorization": "Bearer token123"}},
        "source": {
            "region": "us-east-1",
            "type": "s3",
            "key": "****_key",
            "secret": "****_key",
            "bucket": "source-bucket",
            "endpoint": "https://s3.amazonaws.com",
            "path": "/input/video.mp4",
            "use_tls": True,
            "is_passive": False,
        },
        "format": [
            {"output": "thumbnail", "separate_audio": False, "destination": None, "stream": None, "audio_mute": False,
             "subtitles": None, "cenc_drm": None, "allow_soft_fail": 0, "optimize_bitrate": 0, "playlist_name": "",
             "segment_duration": "", "encryption": None, "image_format": "jpg", "time": "00:00:05", "height": 360,
             "width": 640, "framerate": 0, "quality": 0, "transcript": 0, "json": 0, "srt": 0, "vtt": 0, "mode": "",
             "deinterlace": False}
        ],
        "outputs": [{"format": 0, "output": "thumbnail", "status": "queued", "error": "", "files": []}],
        "error": "",
        "messages": [],
        "created_at": "2025-06-19T04:59:01.000000Z",
        "updated_at": "2025-06-19T04:59:01.000000Z",
        "started_at": None,
        "finished_at": None,
    },
    "success": True,
}  # fmt: skip
REQUEST_EXAMPLE = OpenApiExample("Every output", value=REQUEST, request_only=True)
RESPONSE_EXAMPLE = OpenApiExample("Created", value=RESPONSE, response_only=True, status_codes=["200"])

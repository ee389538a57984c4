"""The reference's own examples, as it prints them (service_id and callback are filled in by each test)."""

from __future__ import annotations

import copy

ENCODE_REQUEST = {
    "service_id": 1,
    "source": "sources/my_4k_source.mp4",
    "priority": "low",
    "callback": "https://example.org/webhook/03c58960-343e-4baf-9921-9393ade6a7aa",
    "jobs": [
        {
            "type": "encode",
            "video_codec": "av1",
            "audio_codec": "aac",
            "quality": "premium",
            "destination": "encoded_av1_1080p.mp4",
            "transformations": [{"type": "resize", "width": 480, "height": 270}],
        }
    ],
}
ENCODE = {
    "type": "encode",
    "video_codec": "av1",
    "audio_codec": "aac",
    "destination": "encoded_av1_1080p.mp4",
    "quality": "premium",
}
PREVIEW_CLIP = {
    "type": "preview_clip",
    "destination": "/mydirectory/preview1.mp4",
    "num_snippets": 5,
    "snippet_duration": 1,
    "video_codec": "h264",
}
STORYBOARD = {
    "type": "storyboard",
    "destination_dir": "/mydirectory/storyboard1/",
    "sprite_file": "storyboard.jpg",
    "vtt_file": "vtt.vtt",
    "interval": 10,
    "sprite_columns": 10,
}
SCREENSHOTS = {"type": "screenshots", "quantity": 5, "destination": "/mydirectory/original/test_%d.jpg"}
SCREENSHOT = {"type": "screenshots", "quantity": 1, "destination": "/mydirectory/original/test.jpg"}
RESIZE = {"type": "resize", "width": 480, "height": 270}
TRIM = {"type": "trim", "start_time": 20, "duration": 15}
CROP = {"type": "crop", "width": 750, "height": 500, "gravity": "center", "yoffset": 300, "xoffset": 500}
WATERMARK = {"type": "watermark", "source": "source/watermark.png", "width": 750, "height": 500, "gravity": "center"}
RETRY_REQUEST = {"service_id": 1, "process_ids": ["1mQhK6J7azYy9LKo7Rbxp", "eeTP9A-jMrljQiDS1_K2S"]}

CALLBACK = {
    "process_id": "joIYQ-odv3H36x9OlEg71",
    "success": 1,
    "status": "FINISHED",
    "cost": {
        "base_credits_per_second": 0.02,
        "total_multiplier": 1,
        "credits": 0.30466666,
        "billed_seconds": 15.233333,
        "encoded_seconds": 15.233333,
        "billed_credits_per_second": 0.02,
    },
    "source": {
        "audio_codec": "AAC",
        "audio_duration": 15.231995,
        "bit_rate": 13706361,
        "extension": "mp4",
        "file_md5": "27b0bd69bea34855f1b7c88dedb37306",
        "file_name": "/slashed/sources/518101_0.mp4",
        "file_sha1": "0d907d30cf2743a8a83e93182bc386d3124c3de6",
        "file_size": 26099197,
        "fps": 30,
        "height": 1920,
        "is_portrait": True,
        "video_codec": "H264",
        "video_duration": 15.233333,
        "width": 1080,
    },
    "jobs": [
        {
            "audio_codec": "AAC",
            "bit_rate": 7297674,
            "cost": {
                "base_credits_per_second": 0.02,
                "total_multiplier": 1,
                "credits": 0.30466666,
                "billed_seconds": 15.233333,
                "encoded_seconds": 15.233333,
                "multipliers": [29, 19, 17, 22],
                "billed_credits_per_second": 0.02,
            },
            "created_at": "2024-04-01 16:27:48",
            "duration": 15.233333,
            "extension": "mp4",
            "file_md5": "17789285d47beea8976e065a3fbec3fe",
            "file_name": "/slashed/destinations/22032024/279546_src.mp4",
            "file_sha1": "9640095eb7a41b814a97bdef660a3ce5f4a91bf8",
            "file_size": 13895989,
            "finished_at": "2024-04-01 16:27:57",
            "finished_upload_at": "2024-04-01 16:27:59",
            "fps": 30,
            "height": 1920,
            "id": "1kUZHD7dwb2uqgwSNTlGd",
            "index": 0,
            "started_upload_at": "2024-04-01 16:27:57",
            "status": "FINISHED",
            "type": "ENCODE",
            "video_codec": "H264",
            "width": 1080,
        }
    ],
}
NOT_FOUND = {
    "status": 404,
    "message": "Process not found",
    "description": "No process found with the provided id.",
    "error_code": "PROCESS_NOT_FOUND",
}


def request(service_id: int, *jobs: dict, source: str = "sources/my_4k_source.mp4", **fields) -> dict:
    """A request like the reference's example, for this library, with these jobs (copied)."""
    body = copy.deepcopy(ENCODE_REQUEST)
    body.pop("callback")
    body.update(service_id=service_id, source=source, **fields)
    if jobs:
        body["jobs"] = copy.deepcopy(list(jobs))
    return body


def with_transformations(job: dict, *transformations: dict) -> dict:
    return {**copy.deepcopy(job), "transformations": copy.deepcopy(list(transformations))}


def shape(value):
    """The keys of a body, nested (lists by their first item), to compare with the reference's."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value and isinstance(value[0], dict) else []
    return None

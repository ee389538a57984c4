"""Where a video's bytes are: bunny's VideoStorageSizeModel, from the outputs its encode recorded."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from media_platform.models import EncodingOutput, Video

# ffprobe's codec names → bunny's EncoderOutputCodec names
CODEC_NAMES = {"h264": "x264", "vp9": "vp9", "hevc": "hevc", "av1": "av1"}
GROUPS = {"image": "thumbnails", "sprite": "thumbnails", "animation": "previews", "mp4": "mp4Fallback"}


def published_outputs(video: Video):
    """The outputs of the encode the video plays now (its outputs prefix names that process)."""
    public_id = video.outputs_prefix.rstrip("/").rsplit("/", 1)[-1] if video.outputs_prefix else None
    if not public_id:
        return EncodingOutput.objects.none()
    return EncodingOutput.objects.filter(job__process__video=video, job__process__public_id=public_id)


def video_storage_size(video: Video) -> dict:
    encoded: dict[str, dict] = {}
    totals: dict[str, int] = defaultdict(int)
    for output in published_outputs(video).only("role", "rendition", "size", "video_codec"):
        if output.role == "variant" and output.rendition:
            codec = CODEC_NAMES.get(output.video_codec, output.video_codec or "x264")
            entry = encoded.setdefault(
                f"{codec}_{output.rendition}", {"codec": codec, "resolution": output.rendition, "size": 0}
            )
            entry["size"] += output.size
        else:
            totals[GROUPS.get(output.role, "miscellaneous")] += output.size
    return {
        "encoded": encoded,
        "thumbnails": totals["thumbnails"],
        "previews": totals["previews"],
        "originals": video.original_size if video.has_original else 0,
        "mp4Fallback": totals["mp4Fallback"],
        "miscellaneous": totals["miscellaneous"],
        "calculatedAt": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
    }

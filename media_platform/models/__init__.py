from .bulk import BulkCommand
from .collection import Collection
from .encoding import EncodingChunk, EncodingJob, EncodingOutput, EncodingProcess
from .library import Library
from .messages import TranscodingMessage
from .playback import PlaybackFold, PlaybackHeatmap, PlaybackHour
from .video import Caption, Video
from .webhooks import WebhookAttempt, WebhookDelivery

__all__ = [
    "BulkCommand",
    "Caption",
    "Collection",
    "EncodingChunk",
    "EncodingJob",
    "EncodingOutput",
    "EncodingProcess",
    "Library",
    "PlaybackFold",
    "PlaybackHeatmap",
    "PlaybackHour",
    "TranscodingMessage",
    "Video",
    "WebhookAttempt",
    "WebhookDelivery",
]

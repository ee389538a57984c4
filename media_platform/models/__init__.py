from .bulk import BulkCommand
from .collection import Collection
from .encoding import EncodingChunk, EncodingJob, EncodingOutput, EncodingProcess
from .library import Library
from .messages import TranscodingMessage
from .playback import PlaybackPlan
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
    "PlaybackPlan",
    "TranscodingMessage",
    "Video",
    "WebhookAttempt",
    "WebhookDelivery",
]

from .bulk import BulkCommand
from .collection import Collection
from .encoding import EncodingChunk, EncodingJob, EncodingOutput, EncodingProcess
from .library import Library, LibraryContentVersion
from .messages import TranscodingMessage
from .playback import PlaybackPlan
from .playback_stats import PlaybackFold, PlaybackHeatmap, PlaybackHour
from .uploads import TusSegment, TusUpload
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
    "LibraryContentVersion",
    "PlaybackFold",
    "PlaybackHeatmap",
    "PlaybackHour",
    "PlaybackPlan",
    "TranscodingMessage",
    "TusSegment",
    "TusUpload",
    "Video",
    "WebhookAttempt",
    "WebhookDelivery",
]

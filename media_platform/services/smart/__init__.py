"""Transcribe and Smart Generate: captions, and a title, description, chapters and moments derived
locally from what is said and from the picture (engine.smart), per feature with bunny's statuses."""

from .run import video_smart_run
from .start import (
    FEATURES,
    SmartRefused,
    smart_status,
    video_smart_generate,
    video_transcribe,
)

__all__ = ["FEATURES", "SmartRefused", "smart_status", "video_smart_generate", "video_smart_run", "video_transcribe"]

"""What a video plays from right now, rendition by rendition: the ladder, JIT renditions whose
segments are encoded on demand (how many are stored), or the source's own streams (fast start)."""

from __future__ import annotations

from dataclasses import dataclass

from media_platform.models import PlaybackPlan, Video
from media_platform.status import VideoStatus
from media_platform.storage import list_files


@dataclass(frozen=True)
class PlayableRendition:
    name: str
    kind: str  # "ladder" | "jit" | "copy"
    stored: int | None = None  # segments stored so far (JIT, copy)
    planned: int | None = None


@dataclass(frozen=True)
class PlaybackState:
    renditions: list[PlayableRendition]
    ladder_progress: int  # the background ladder's encodeProgress
    ladder_done: bool


def playback_state(*, video: Video) -> PlaybackState:
    plan = PlaybackPlan.objects.filter(video=video, status=PlaybackPlan.Status.ACTIVE).first()
    done = video.status == VideoStatus.FINISHED
    if plan is None or plan.prefix != video.outputs_prefix:
        ladder = [PlayableRendition(name, "ladder") for name in video.resolutions] if video.outputs_prefix else []
        return PlaybackState(ladder, video.encode_progress, done)
    renditions = []
    for folder in plan.renditions:
        stored = sum(1 for name in list_files(f"{plan.prefix}/{folder}") if name.endswith(".ts"))
        renditions.append(PlayableRendition(folder, plan.kind, stored, plan.segment_count))
    return PlaybackState(renditions, video.encode_progress, done)

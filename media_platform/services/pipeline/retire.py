"""The ladder is published: the playback plans a video played from until now are retired."""

from __future__ import annotations

from django.utils import timezone

from media_platform.models import PlaybackPlan, Video


def plans_retire(*, video: Video, old_prefix: str) -> float:
    """Retire the video's active plans. Returns how much longer than the usual grace period the
    outputs it played from must stay: a fast-start copy's segments have names the ladder does not
    have, so a player that loaded them may need them for as long as the video lasts."""
    active = PlaybackPlan.objects.filter(video=video, status=PlaybackPlan.Status.ACTIVE)
    copies = active.filter(kind=PlaybackPlan.Kind.COPY, prefix=old_prefix).exists()
    active.update(status=PlaybackPlan.Status.RETIRED, retired_at=timezone.now())
    return float(video.length or 0) if copies else 0.0

"""A playback plan as the code that encodes and serves it needs it: read once per process."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from media_platform.engine.jit import SegmentSpan
from media_platform.engine.names import safe_join
from media_platform.engine.probe import SourceInfo
from media_platform.engine.spec import HlsJob, job_from_json
from media_platform.models import PlaybackPlan

COPY_SEGMENTS = "{name}/video%d.ts"


@dataclass(frozen=True)
class PlanView:
    id: int
    video_id: int
    process_id: int | None
    kind: str
    prefix: str
    source_name: str
    info: SourceInfo
    job: HlsJob | None
    renditions: tuple[str, ...]
    spans: tuple[SegmentSpan, ...]

    @property
    def count(self) -> int:
        return len(self.spans)

    def segment_pattern(self, rendition: str) -> str:
        """`720p/video%d.ts`: the rendition's segments under the plan's prefix."""
        pattern = self.job.segment_pattern if self.job else COPY_SEGMENTS
        return safe_join(self.job.prefix if self.job else "", pattern.format(name=rendition))

    def segment_name(self, rendition: str, number: int) -> str:
        return self.segment_pattern(rendition).replace("%d", str(number))

    def parse(self, name: str) -> tuple[str, int] | None:
        """(rendition, number) when `name` is one of the plan's segments (the number unchecked)."""
        for rendition in self.renditions:
            head, _, tail = self.segment_pattern(rendition).partition("%d")
            match = re.fullmatch(re.escape(head) + r"(0|[1-9][0-9]{0,8})" + re.escape(tail), name)
            if match is not None:
                return rendition, int(match.group(1))
        return None

    def stored_key(self, rendition: str, number: int) -> str:
        return f"{self.prefix}/{self.segment_name(rendition, number)}"


def spans_of(plan: PlaybackPlan) -> tuple[SegmentSpan, ...]:
    frames = plan.frames or [0] * len(plan.starts)
    return tuple(
        SegmentSpan(index=i, start=start, first_frame=start, duration=duration, decode_from=decode, frames=count)
        for i, (start, duration, decode, count) in enumerate(
            zip(plan.starts, plan.durations, plan.decode_from, frames, strict=True)
        )
    )


@functools.lru_cache(maxsize=256)
def _view(plan_id: int, created: float) -> PlanView | None:
    plan = PlaybackPlan.objects.filter(pk=plan_id).first()
    if plan is None:
        return None
    job = job_from_json(plan.job) if plan.job else None
    return PlanView(
        id=plan.pk,
        video_id=plan.video_id,
        process_id=plan.process_id,
        kind=plan.kind,
        prefix=plan.prefix,
        source_name=plan.source_name,
        info=SourceInfo.from_json(plan.source_info),
        job=job if isinstance(job, HlsJob) else None,
        renditions=tuple(plan.renditions),
        spans=spans_of(plan),
    )


def plan_view(plan: PlaybackPlan) -> PlanView | None:
    """Plans never change once made (only their status), so their parsed form is kept."""
    return _view(plan.pk, plan.created_at.timestamp())


def active_plan(video_id: int) -> PlaybackPlan | None:
    return (
        PlaybackPlan.objects.filter(video_id=video_id, status=PlaybackPlan.Status.ACTIVE)
        .only("id", "created_at", "prefix", "kind")
        .first()
    )

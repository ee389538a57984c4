"""Starting on-demand runs: only for a planned segment not stored or being made, only within
the caps (a run takes a slot and claims its segments before it starts)."""

from __future__ import annotations

import uuid

from django.conf import settings

from media_platform.storage import exists

from . import limits
from .plans import PlanView
from .runs import REGISTRY, SegmentRun

BUSY = "busy"  # a cap is reached: nothing started
ELSEWHERE = "elsewhere"  # another run (maybe in another process) is making it
STORED = "stored"


def is_stored(plan: PlanView, rendition: str, number: int) -> bool:
    return exists(plan.stored_key(rendition, number))


def start(plan: PlanView, rendition: str, number: int) -> SegmentRun | str:
    """A run for `number` and the next JIT_PREFETCH_SEGMENTS not stored or being made."""
    if is_stored(plan, rendition, number):
        return STORED
    token = uuid.uuid4().hex
    if not limits.claim(plan.id, rendition, number, token):
        return ELSEWHERE
    slot = limits.slot_take(video_id=plan.video_id)
    if slot is None:
        limits.claim_release(plan.id, rendition, number, token)
        return BUSY
    numbers = [number]
    for following in range(number + 1, min(number + 1 + settings.JIT_PREFETCH_SEGMENTS, plan.count)):
        if limits.failure(plan.id, rendition, following) or is_stored(plan, rendition, following):
            break
        if not limits.claim(plan.id, rendition, following, token):
            break
        numbers.append(following)
    return SegmentRun(plan, rendition, numbers, slot, token).start()


def local_run(plan: PlanView, rendition: str, number: int) -> SegmentRun | None:
    return REGISTRY.get((plan.id, rendition, number))


def prefetch(plan: PlanView, rendition: str, number: int) -> None:
    """Start making `number` ahead of its request, if it is planned, not stored, not being made,
    and a slot is free; never waits, never refuses anything."""
    if not 0 <= number < plan.count or local_run(plan, rendition, number) is not None:
        return
    if limits.claimed_by(plan.id, rendition, number) or limits.failure(plan.id, rendition, number):
        return
    start(plan, rendition, number)

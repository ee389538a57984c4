"""Segments of a playback plan that are not stored yet: made on the first request, streamed to
the player while ffmpeg writes them. Only planned renditions and numbers start work, within the
caps; over them, 503 with Retry-After and nothing started."""

from __future__ import annotations

import itertools
import time

from django.conf import settings
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from media_platform.models import PlaybackPlan, Video
from media_platform.services.jit import demand, limits, runs
from media_platform.services.jit.plans import PlanView, active_plan, plan_view
from media_platform.storage import exists

from .stored import headers, serve_stored

RETRY_AFTER = 2
PLAN_PREFIXES = ("/jit-", "/copy-")


def _plan_of(video: Video) -> PlanView | None:
    """The plan the video plays from now (its outputs are the plan's prefix)."""
    if not any(marker in video.outputs_prefix for marker in PLAN_PREFIXES):
        return None  # a ladder: no query for the common case
    row = active_plan(video.pk)
    if row is None or row.prefix != video.outputs_prefix:
        return None
    return plan_view(row)


def planned_response(request, video: Video, name: str) -> HttpResponseBase | None:
    plan = _plan_of(video)
    if plan is not None:
        parsed = plan.parse(name)
        if parsed is None:
            return None
        rendition, number = parsed
        if number >= plan.count:
            raise Http404()
        return segment_response(request, plan, rendition, number)
    # The ladder replaced a plan a moment ago: a name only that plan had (a fast-start copy's
    # segments) is still served from it until its files go.
    retired = (
        PlaybackPlan.objects.filter(video=video, status=PlaybackPlan.Status.RETIRED)
        .order_by("-retired_at", "-id")
        .values_list("prefix", flat=True)
        .first()
    )
    if retired and exists(f"{retired}/{name}"):
        return serve_stored(request, f"{retired}/{name}", name)
    return None


def after_serving(video: Video, name: str) -> None:
    """A stored segment was served: start making the next one if nobody is (never refuses)."""
    plan = _plan_of(video)
    parsed = plan.parse(name) if plan is not None else None
    if plan is not None and parsed is not None:
        rendition, number = parsed
        demand.prefetch(plan, rendition, number + 1)


def segment_response(request, plan: PlanView, rendition: str, number: int) -> HttpResponseBase:
    """Stream it from the run making it here, start one, or wait for another process's run —
    for a while, then 503 (and if that run dies meanwhile, make it here after all)."""
    key, name = plan.stored_key(rendition, number), plan.segment_name(rendition, number)
    deadline = time.monotonic() + settings.JIT_WAIT_SECONDS
    while True:
        if (reason := limits.failure(plan.id, rendition, number)) is not None:
            return failed(reason)
        if (run := demand.local_run(plan, rendition, number)) is not None:
            return streamed(run, number, name)
        started = demand.start(plan, rendition, number)
        if isinstance(started, runs.SegmentRun):
            return streamed(started, number, name)
        if started == demand.STORED:
            return serve_stored(request, key, name)
        if started == demand.BUSY:
            return busy("Too many segments are being encoded; try again shortly.")
        if time.monotonic() >= deadline:  # demand.ELSEWHERE, for too long
            return busy("The segment is still being encoded; try again shortly.")
        time.sleep(0.1)


def streamed(run: runs.SegmentRun, number: int, name: str) -> HttpResponseBase:
    """The segment's bytes as ffmpeg writes them; a run that fails before its first byte
    answers 500 (after it, the response is cut short)."""
    chunks = run.read(number)
    try:
        first = next(chunks)
    except StopIteration:
        first = b""
    except runs.SegmentFailed as exc:
        return failed(str(exc))
    return headers(StreamingHttpResponse(itertools.chain([first], chunks)), name)


def busy(message: str) -> HttpResponse:
    response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def failed(reason: str) -> HttpResponse:
    response = HttpResponse(
        f"The segment could not be encoded: {reason}", status=500, content_type="text/plain; charset=utf-8"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response

"""The embed page, bunny's iframe: /embed/{libraryId}/{videoId} (and /play/… as bunny's direct
play URL). An HLS player (hls.js, or the browser's own) over the video's playlist, its captions,
poster and MP4 fallback. Options as bunny's iframe reads them: autoplay, muted, loop, preload, t."""

from __future__ import annotations

from django.http import Http404, HttpResponseForbidden
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from media_platform.models import Video
from media_platform.selectors.play import playback_url, video_play_data

from .tokens import play_allowed

FORBIDDEN = "This video needs a signed embed URL (token and expires)."


def _flag(request, name: str, default: bool = False) -> bool:
    value = request.GET.get(name)
    return default if value is None else value.lower() in ("1", "true", "yes")


def _start(request) -> float:
    try:
        return max(0.0, float(request.GET.get("t", "0").rstrip("s")))
    except ValueError:
        return 0.0


@require_safe
@xframe_options_exempt  # it exists to be framed
def embed_page(request, library_id: int, guid):
    video = (
        Video.objects.filter(library_id=library_id, guid=guid)
        .select_related("library")
        .prefetch_related("captions")
        .first()
    )
    if video is None:
        raise Http404("Video not found")
    if not play_allowed(request, video):
        return HttpResponseForbidden(FORBIDDEN)
    data = video_play_data(video)
    captions = [
        {"src": playback_url(video, f"captions/{c.srclang}.vtt"), "srclang": c.srclang, "label": c.label or c.srclang}
        for c in video.captions.all()
    ]
    options = {
        "autoplay": _flag(request, "autoplay"),
        "muted": _flag(request, "muted"),
        "loop": _flag(request, "loop"),
        "preload": _flag(request, "preload", True),
        "start": _start(request),
    }
    context = {"video": video, "data": data, "captions": captions, "options": options}
    return render(request, "embed/player.html", context)

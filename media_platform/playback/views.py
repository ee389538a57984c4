"""Public playback URLs: /{videoGuid}/playlist.m3u8, /{videoGuid}/720p/video0.ts, … as bunny's CDN has them."""

from __future__ import annotations

from django.http import Http404
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from media_platform.models import Video
from media_platform.services.video_assets import assets_prefix
from media_platform.storage import storage

from .jit import after_serving, planned_response
from .paths import clean_name, storage_key
from .stats import record_fetch
from .stored import serve_stored


@require_safe
def video_file(request, guid, name: str):
    cleaned = clean_name(name)
    video = (
        Video.objects.filter(guid=guid)
        .select_related("library")
        .only("id", "guid", "outputs_prefix", "original_name", "library__sign_key_requests")
        .first()
    )
    if cleaned is None or video is None:
        raise Http404()
    name = cleaned
    key = storage_key(
        name=name,
        guid=str(guid),
        outputs_prefix=video.outputs_prefix,
        assets_prefix=assets_prefix(video),
        original=video.original_name,
    )
    response: HttpResponseBase | None
    if key is not None and storage().exists(key):
        response = serve_stored(request, key, name, sign=video.library.sign_key_requests)
        after_serving(video, name)
    else:
        # Not stored (yet): a segment of the plan the video plays from is made now; during a grace
        # period, a name only the plan it played from before had is served from there.
        response = planned_response(request, video, name)
        if response is None:
            raise Http404()
    if response.status_code < 400:
        record_fetch(request, video.pk, name)
    return response

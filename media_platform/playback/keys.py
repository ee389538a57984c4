"""AES-128 content keys for players: GET /keys/<job public id>.key, and the playlists that name
them, signed when the library asks for signed key requests."""

from __future__ import annotations

import logging
import re

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from media_platform.crypto import SecretUnreadable
from media_platform.models import EncodingJob
from media_platform.services.pipeline.keys import content_key, key_url_prefix, signature_valid, signed_key_url

log = logging.getLogger(__name__)
KEY_URI = re.compile(r'(#EXT-X-KEY:[^\n]*?URI=")([^"]+)(")')


@require_safe
def content_key_view(request, public_id: str):
    if "\x00" in public_id:  # no id holds one, and PostgreSQL refuses it in a query
        raise Http404()
    row = EncodingJob.objects.filter(public_id=public_id).select_related("process__library").first()
    try:
        key = content_key(row) if row is not None else None
    except SecretUnreadable as exc:
        log.error("content key %s: %s", public_id, exc)
        return HttpResponse("This key cannot be read on this server.", status=500)
    if row is None or key is None:
        raise Http404()
    if row.process.library.sign_key_requests:
        if not signature_valid(public_id, request.GET.get("expires"), request.GET.get("token")):
            response = HttpResponse("This key is served only to a signed, unexpired key URL.", status=403)
            response["Access-Control-Allow-Origin"] = "*"
            return response
    response = HttpResponse(key, content_type="application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def sign_playlist(text: str) -> str:
    """The playlist with every platform key URI replaced by a signed, expiring one."""

    def signed(match: re.Match) -> str:
        uri = match.group(2).split("?", 1)[0]
        prefix = key_url_prefix()
        if not uri.startswith(prefix) or not uri.endswith(".key"):
            return match.group(0)
        return match.group(1) + signed_key_url(uri[len(prefix) : -len(".key")]) + match.group(3)

    return KEY_URI.sub(signed, text)

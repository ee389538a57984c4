"""Who may have a video's play data and embed page: anyone, unless its library signs URLs; then a
request with the library's AccessKey, or one carrying a valid, unexpired `token`/`expires` pair.

The pair is signed as the platform's key URLs are (services.pipeline.keys: HMAC-SHA256 keyed from
SECRET_KEY), over the video's guid instead of a key's id.
"""

from __future__ import annotations

import time

from media_platform.models import Video
from media_platform.selectors.libraries import library_by_key
from media_platform.services.pipeline.keys import KEY_URL_TTL, key_token, signature_valid


def _subject(video: Video) -> str:
    return f"play:{video.guid}"


def signed_play_params(video: Video, *, ttl: int = KEY_URL_TTL, now: float | None = None) -> dict[str, str]:
    """`token` and `expires` query parameters that open the video's play data and embed page."""
    expires = int((now or time.time()) + ttl)
    return {"token": key_token(_subject(video), expires), "expires": str(expires)}


def play_token_valid(video: Video, token: str | None, expires: str | None) -> bool:
    return signature_valid(_subject(video), expires, token)


def foreign_key(request, video: Video) -> bool:
    """An AccessKey that is not this library's: refused outright, as everywhere in the API (a
    library's key reaches only its library), though no key at all may be fine."""
    key = request.headers.get("AccessKey", "").strip()
    found = library_by_key(key) if key else None
    return bool(key) and (found is None or found.library.pk != video.library_id)


def play_allowed(request, video: Video) -> bool:
    if not video.library.sign_key_requests:
        return True
    if request.headers.get("AccessKey", "").strip() and not foreign_key(request, video):
        return True
    params = request.GET
    return play_token_valid(video, params.get("token"), params.get("expires"))

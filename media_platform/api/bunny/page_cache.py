"""Rendered pages of the bunny video list, kept in each web process for as long as the library's
content version (counted by database triggers on every change it shows) stays the same.

A request reads the version first and the page second, and keeps the page under the version it
read first: a change committed in between makes the kept page newer than its version, never older,
so the next request renders afresh. The bytes are those DRF renders, so a kept page is served
unchanged, byte for byte.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from django.conf import settings

_pages: OrderedDict[Hashable, tuple[int, bytes]] = OrderedDict()
_lock = threading.Lock()


def page_get(key: Hashable, version: int) -> bytes | None:
    with _lock:
        kept = _pages.get(key)
        if kept is None or kept[0] != version:
            return None
        _pages.move_to_end(key)
        return kept[1]


def page_keep(key: Hashable, version: int, body: bytes) -> None:
    """Keep the page, dropping the least recently served past BUNNY_LIST_CACHE_PAGES."""
    if settings.BUNNY_LIST_CACHE_PAGES <= 0:
        return
    with _lock:
        _pages[key] = (version, body)
        _pages.move_to_end(key)
        while len(_pages) > settings.BUNNY_LIST_CACHE_PAGES:
            _pages.popitem(last=False)

"""The library's limits: requests a minute (429) and processes at once (409).

Requests are counted in Redis (the Django cache), one counter per library and minute, with an
atomic INCR, so every web worker on every host sees the same count. Active processes are
counted with the library's row locked, so two requests cannot both take the last slot.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction
from rest_framework.throttling import BaseThrottle

from media_platform.models import EncodingProcess, Library
from media_platform.status import ACTIVE_STATUSES

from .errors import TooManyProcesses

WINDOW = 60


class LibraryRateThrottle(BaseThrottle):
    """A fixed one-minute window of `library.requests_per_minute` requests (0: no limit)."""

    def allow_request(self, request, view) -> bool:
        auth = request.auth
        limit = auth.library.requests_per_minute if auth is not None else 0
        if not limit:
            return True
        now = time.time()
        window = int(now // WINDOW)
        key = f"slashed:rpm:{auth.library.pk}:{window}"
        cache.add(key, 0, timeout=WINDOW * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: this request opens a fresh window
            cache.add(key, 1, timeout=WINDOW * 2)
            count = 1
        self.retry_after = (window + 1) * WINDOW - now
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self, "retry_after", None)


def active_processes(library: Library) -> int:
    return EncodingProcess.objects.filter(library=library, status__in=ACTIVE_STATUSES).count()


@contextmanager
def process_slot(library: Library) -> Iterator[None]:
    """A transaction in which the library has room for one more active process (else 409)."""
    with transaction.atomic():
        locked = Library.objects.select_for_update().filter(pk=library.pk)
        limit = locked.values_list("max_concurrent_processes", flat=True).first()
        if limit is not None and active_processes(library) >= limit:
            raise TooManyProcesses(f"Limit of simultaneous processes reached ({limit}).")
        yield

"""Progress into the database: at most once a second, only upward, 0→99 while encoding
(100 is written with the FINISHED event). Also where cancellation and lease loss are noticed."""

from __future__ import annotations

import threading
import time

from django.db.models import Value
from django.db.models.functions import Greatest

from media_platform.engine.progress import MonotonicThrottle
from media_platform.models import EncodingProcess, Video

from .lease import beat

ENCODING_SHARE = 99.0


class ProgressRecorder:
    def __init__(self, process: EncodingProcess, lease_lost: threading.Event, interval: float = 1.0):
        self.process = process
        self.lease_lost = lease_lost
        self.throttle = MonotonicThrottle(interval)
        self.cancel_checked_at = 0.0
        self.cancelled = False

    def __call__(self, fraction: float) -> None:
        percent = round(min(1.0, max(0.0, fraction)) * ENCODING_SHARE, 1)
        if not self.throttle.offer(percent / ENCODING_SHARE, time.monotonic()):
            return
        # Greatest: a re-run after a lost worker never moves the bar backwards.
        if not beat(self.process, progress=Greatest("progress", Value(percent))):
            self.lease_lost.set()
            return
        if self.process.video_id:
            Video.objects.filter(pk=self.process.video_id, encode_progress__lt=int(percent)).update(
                encode_progress=int(percent)
            )

    def should_stop(self) -> bool:
        """Asked by the ffmpeg runner between progress reports; reads the database once a second."""
        if self.lease_lost.is_set():
            return True
        now = time.monotonic()
        if now - self.cancel_checked_at >= 1.0:
            self.cancel_checked_at = now
            self.cancelled = bool(EncodingProcess.objects.filter(pk=self.process.pk, cancel_requested=True).exists())
        return self.cancelled

"""What keeps on-demand encoding from being a way to burn CPU: a global and a per-video count of
running encodes, and one claim per segment so two requests encode it once. All in Redis, with
expiry, so a process that dies frees what it held."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import django_rq
from django.conf import settings

SLOT_TTL = 30  # seconds a run's slot lives without being renewed
CLAIM_TTL = 60
FAILED_TTL = 300  # a segment that failed is not tried again for this long
GLOBAL_KEY = "jit:encodes"

# Slots are members of sorted sets scored by when they expire; expired ones are dropped first.
# Both counts are checked and both sets written in one script, so two requests cannot both take
# the last slot.
TAKE_SLOT = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
for _, key in ipairs(KEYS) do redis.call('ZREMRANGEBYSCORE', key, '-inf', now) end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return 0 end
for _, key in ipairs(KEYS) do redis.call('ZADD', key, now + tonumber(ARGV[4]), ARGV[1]) end
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4]) * 2)
return 1
"""
RENEW_SLOT = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
for _, key in ipairs(KEYS) do redis.call('ZADD', key, 'XX', now + tonumber(ARGV[2]), ARGV[1]) end
return 1
"""
# A claim is renewed or released only by its owner.
RENEW_CLAIM = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2])) end
return 0
"""
RELEASE_CLAIM = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def redis():
    return django_rq.get_connection("default")


def video_key(video_id: int) -> str:
    return f"jit:encodes:{video_id}"


@dataclass
class Slot:
    """One running encode, counted against both caps until released (or expired)."""

    token: str
    video_id: int

    def renew(self) -> None:
        redis().eval(RENEW_SLOT, 2, GLOBAL_KEY, video_key(self.video_id), self.token, SLOT_TTL)

    def release(self) -> None:
        connection = redis()
        connection.zrem(GLOBAL_KEY, self.token)
        connection.zrem(video_key(self.video_id), self.token)


def slot_take(*, video_id: int) -> Slot | None:
    """A slot for one more encode, or None when either cap is reached (nothing is started)."""
    token = uuid.uuid4().hex
    taken = redis().eval(
        TAKE_SLOT,
        2,
        GLOBAL_KEY,
        video_key(video_id),
        token,
        settings.JIT_MAX_ENCODES,
        settings.JIT_MAX_ENCODES_PER_VIDEO,
        SLOT_TTL,
    )
    return Slot(token, video_id) if taken else None


def running_encodes(video_id: int | None = None) -> int:
    key = GLOBAL_KEY if video_id is None else video_key(video_id)
    return int(redis().zcount(key, time.time(), "+inf"))


# --- one claim per segment -----------------------------------------------------------------
def claim_key(plan_id: int, rendition: str, number: int) -> str:
    return f"jit:claim:{plan_id}:{rendition}:{number}"


def claim(plan_id: int, rendition: str, number: int, token: str) -> bool:
    return bool(redis().set(claim_key(plan_id, rendition, number), token, nx=True, ex=CLAIM_TTL))


def claimed_by(plan_id: int, rendition: str, number: int) -> str | None:
    value = redis().get(claim_key(plan_id, rendition, number))
    return value.decode() if value else None


def claim_renew(plan_id: int, rendition: str, number: int, token: str) -> None:
    redis().eval(RENEW_CLAIM, 1, claim_key(plan_id, rendition, number), token, CLAIM_TTL)


def claim_release(plan_id: int, rendition: str, number: int, token: str) -> None:
    redis().eval(RELEASE_CLAIM, 1, claim_key(plan_id, rendition, number), token)


def failed_key(plan_id: int, rendition: str, number: int) -> str:
    return f"jit:failed:{plan_id}:{rendition}:{number}"


def mark_failed(plan_id: int, rendition: str, number: int, reason: str) -> None:
    redis().set(failed_key(plan_id, rendition, number), reason[:500], ex=FAILED_TTL)


def failure(plan_id: int, rendition: str, number: int) -> str | None:
    value = redis().get(failed_key(plan_id, rendition, number))
    return value.decode() if value else None

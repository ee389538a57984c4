"""What players fetch, counted cheaply in Redis on the playback path; `services.playback_stats`
folds the counters into the database every minute.

A view is a master playlist fetched by a viewer (address + user agent) not seen on that video in
the last half hour; watched positions are the media segments a viewer fetched, each counted once
per viewer session: its index is a position on the timeline (segments are `SEGMENT_SECONDS`
long), and the seconds it covers are watch time. One Lua script per fetch: one round trip, atomic.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time

import django_rq
from redis.exceptions import RedisError

from media_platform.engine.spec import HlsJob

log = logging.getLogger(__name__)

SEGMENT_SECONDS = HlsJob.segment_duration  # bunny's ladders: 4 s segments (DASH/CMAF too)
SESSION_SECONDS = 30 * 60  # a viewer seen again within this is the same view
DIRTY = "pb:dirty"
MASTER_NAMES = {"playlist.m3u8"}
# 720p/video12.ts (HLS, numbered from 0); vp9/chunk-0-00013.m4s (CMAF, numbered from 1)
TS_SEGMENT = re.compile(r"(?:^|/)video(\d+)\.ts$")
CMAF_SEGMENT = re.compile(r"(?:^|/)chunk-\d+-(\d+)\.m4s$")

# KEYS: the viewer's session key, the video's counters, the dirty set.
# ARGV: "view" or a segment index, the hour, seconds watched, session TTL, video id.
SCRIPT = """
local added
if ARGV[1] == 'view' then
  added = redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[4])
  if not added then return 0 end
  redis.call('HINCRBY', KEYS[2], 'views:' .. ARGV[2], 1)
else
  added = redis.call('SADD', KEYS[1], ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  if added == 0 then return 0 end
  redis.call('HINCRBY', KEYS[2], 'seg:' .. ARGV[1], 1)
  redis.call('HINCRBY', KEYS[2], 'watch:' .. ARGV[2], ARGV[3])
end
redis.call('SADD', KEYS[3], ARGV[5])
return 1
"""
_script = None


def counters_key(video_id: int) -> str:
    return f"pb:v:{video_id}"


def segment_index(name: str) -> int | None:
    """The position of a media segment on the timeline (0 for the first), or None."""
    if found := TS_SEGMENT.search(name):
        return int(found.group(1))
    if found := CMAF_SEGMENT.search(name):
        return max(0, int(found.group(1)) - 1)
    return None


def viewer(request) -> str:
    agent = request.headers.get("User-Agent", "")
    return hashlib.sha256(f"{request.META.get('REMOTE_ADDR', '')}|{agent}".encode()).hexdigest()[:24]


def _run(keys: list[str], args: list) -> None:
    global _script
    connection = django_rq.get_connection("default")
    if _script is None:
        _script = connection.register_script(SCRIPT)
    _script(keys=keys, args=args, client=connection)


def record_fetch(request, video_id: int, name: str, *, now: float | None = None) -> None:
    """Count a fetch of /{guid}/{name}: a view for the master, a watched position for a segment.
    Never fails the playback: with Redis away the fetch is simply not counted."""
    index = None if name in MASTER_NAMES else segment_index(name)
    if index is None and name not in MASTER_NAMES:
        return
    who = viewer(request)
    hour = int((now or time.time()) // 3600) * 3600
    if index is None:
        keys, first = [f"pb:view:{video_id}:{who}"], "view"
    else:
        keys, first = [f"pb:seg:{video_id}:{who}"], str(index)
    try:
        _run([*keys, counters_key(video_id), DIRTY], [first, hour, round(SEGMENT_SECONDS), SESSION_SECONDS, video_id])
    except RedisError as exc:
        log.warning("playback statistics not recorded: %s", exc)

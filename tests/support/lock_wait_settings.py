"""config.settings for a worker that gives up on SQLite's write lock after one second instead of
30, so a scenario that holds the lock for a few seconds shows what a locked database does to it."""

from config.settings import *  # noqa: F403
from config.settings import DATABASES

DATABASES["default"]["OPTIONS"] = {
    **DATABASES["default"]["OPTIONS"],
    "timeout": 1,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=1000;",
}

"""config.settings for a worker that gives up on the database's write lock after one second instead
of waiting (30 s on SQLite, for ever on PostgreSQL), so a scenario that holds the lock for a few
seconds shows what a locked database does to it."""

from config.settings import *  # noqa: F403
from config.settings import DATABASES

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"]["OPTIONS"],
        "timeout": 1,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=1000;",
    }
else:
    DATABASES["default"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), "options": "-c lock_timeout=1000"}

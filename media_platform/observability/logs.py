"""One JSON object per log line (LOG_FORMAT=json), for the web server, workers and cron alike.

No Django here: gunicorn's master loads it (through gunicorn.conf.py) before the application.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from gunicorn.glogging import Logger as GunicornBaseLogger

# gunicorn's access-log atoms → field names an operator's log pipeline can index.
ACCESS_FIELDS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "q": "query",
    "H": "protocol",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "f": "referer",
    "a": "user_agent",
}
# Attributes every LogRecord has; anything else was passed in `extra=` and is kept as a field.
STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry |= _access_fields(record.args)
        else:
            entry |= {key: value for key, value in vars(record).items() if key not in STANDARD}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def _access_fields(atoms) -> dict:
    fields = {}
    for atom, name in ACCESS_FIELDS.items():
        value = atoms.get(atom, "-")
        if value in ("-", ""):
            continue
        fields[name] = int(value) if name in ("status", "bytes", "duration_ms") and str(value).isdigit() else value
    return fields


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's error and access logs, formatted as JSON lines."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

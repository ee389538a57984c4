"""What the rest of the platform may know about a dialect, looked up by its name.

The one list of dialects is media_platform/api/dialects.py; the app registers it here when
Django starts (apps.py), so every process (web, worker, command) has it. Services and the engine
look a dialect up here by the name a process keeps (`EncodingProcess.dialect`) and never import
a dialect's package: the API layer depends on the services, not the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: this module imports nothing of Django's
    from media_platform.models import EncodingProcess
    from media_platform.status import Event

# Records the dialect's own webhooks for a process's event, in the transaction that records it.
Notifier = Callable[["EncodingProcess", "Event"], None]


@dataclass(frozen=True)
class Dialect:
    name: str  # as EncodingProcess.dialect stores it
    title: str = ""  # the service it speaks, as the API docs name it
    urls: str = ""  # its URLconf module: the service's own paths
    notifier: Notifier | None = None  # told of every event of its processes, beside the bunny library webhook
    wants_checksums: bool = False  # its responses report the source's MD5 and SHA-1 (one extra read)


_registered: dict[str, Dialect] = {}


def register(*dialects: Dialect) -> None:
    for dialect in dialects:
        _registered[dialect.name] = dialect


def dialect_named(name: str) -> Dialect:
    """The registered dialect; other origins of processes (the admin, the command line) are
    dialects of nothing: no notifier of their own, no checksums."""
    if not _registered:
        raise RuntimeError("no dialect is registered: media_platform's AppConfig.ready() has not run")
    return _registered.get(name) or Dialect(name)

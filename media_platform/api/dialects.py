"""The dialects the platform speaks: the one list of them.

Each entry names the dialect's package parts that the rest of the platform needs: its URLs (with
the title its API docs carry), the notifier told of every event of the processes it started,
and whether its responses report the source's checksums. apps.py registers this list in
media_platform.dialects when Django starts, where the services look dialects up by name.
A new dialect is a package under api/ and one entry here.
"""

from __future__ import annotations

from media_platform.dialects import Dialect
from media_platform.models import EncodingProcess

from .slashed.notifier import notify as slashed_notify
from .tpstreams.notifier import notify as tpstreams_notify
from .vidinfra.notifier import notify as vidinfra_notify

NAMES = EncodingProcess.Dialect

DIALECTS = (
    Dialect(NAMES.BUNNY, title="bunny.net Stream API", urls="media_platform.api.bunny.urls"),
    Dialect(
        NAMES.VIDINFRA,
        title="vidinfra transcoding service v2",
        urls="media_platform.api.vidinfra.urls",
        notifier=vidinfra_notify,
    ),
    Dialect(
        NAMES.TPSTREAMS,
        title="TPStreams transcoding jobs",
        urls="media_platform.api.tpstreams.urls",
        notifier=tpstreams_notify,
    ),
    Dialect(
        NAMES.SLASHED,
        title="Video encoding request API",
        urls="media_platform.api.slashed.urls",
        notifier=slashed_notify,
        wants_checksums=True,
    ),
    Dialect(NAMES.NUXEO, title="Nuxeo video conversions", urls="media_platform.api.nuxeo.urls"),
)

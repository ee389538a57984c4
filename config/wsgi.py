import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Import what the first request would (the URLconf pulls in every view), then move everything
# start-up allocated out of the collector's sight: a full collection scans only what requests
# allocate, so it no longer stalls a request for tens of milliseconds.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
gc.freeze()

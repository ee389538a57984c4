"""Periodic work, for `manage.py rqcron media_platform.jobs.cron`."""

from django.conf import settings
from rq import cron

from media_platform.jobs.bulk import reconcile as bulk_reconcile
from media_platform.jobs.maintenance import fold_playback_stats, reconcile
from media_platform.jobs.uploads import sweep_tus_uploads
from media_platform.jobs.webhooks import sweep

cron.register(reconcile, queue_name="low", interval=settings.RECONCILE_INTERVAL)
cron.register(bulk_reconcile, queue_name="low", interval=60)
cron.register(sweep, queue_name="webhooks", interval=30)
cron.register(sweep_tus_uploads, queue_name="low", interval=300)
cron.register(fold_playback_stats, queue_name="low", interval=60)

from django.core.management.base import BaseCommand

from media_platform.services.encoding import encoding_reconcile
from media_platform.services.webhooks import webhook_sweep


class Command(BaseCommand):
    help = (
        "Find processes whose worker died (stale heartbeat) or whose queue entry was lost, and queue "
        "them again; re-drive webhook deliveries that are due. Safe to run at any time."
    )

    def handle(self, *args, **options):
        requeued = encoding_reconcile()
        subjects = webhook_sweep()
        for public_id in requeued:
            self.stdout.write(f"requeued {public_id}")
        self.stdout.write(f"{len(requeued)} process(es) requeued, {subjects} webhook subject(s) re-driven")

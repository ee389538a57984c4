from django.core.management.base import BaseCommand

from media_platform.services.bulk import bulk_command_reconcile
from media_platform.services.pipeline import encoding_reconcile
from media_platform.services.webhooks import webhook_sweep


class Command(BaseCommand):
    help = (
        "Find processes whose worker died (stale heartbeat) or whose queue entry was lost, and queue "
        "them again; resume bulk commands that stopped moving; re-drive webhook deliveries that are due. "
        "Safe to run at any time."
    )

    def handle(self, *args, **options):
        requeued = encoding_reconcile()
        commands = bulk_command_reconcile()
        subjects = webhook_sweep()
        for public_id in requeued:
            self.stdout.write(f"requeued process {public_id}")
        for command_id in commands:
            self.stdout.write(f"resumed bulk command {command_id}")
        self.stdout.write(
            f"{len(requeued)} process(es) requeued, {len(commands)} bulk command(s) resumed, "
            f"{subjects} webhook subject(s) re-driven"
        )

import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from media_platform.api.nuxeo.presenters import bulk_status_entity
from media_platform.models import BulkCommand
from media_platform.selectors.bulk import bulk_command_get


def follow(command: BulkCommand, *, interval: float = 0.5, timeout: float | None = None) -> BulkCommand:
    """Poll a bulk command with a progress bar (videos scrolled of total) until it completes or is aborted."""
    started = time.monotonic()
    with tqdm(total=command.total or None, unit="video", desc=command.action, file=sys.stderr) as bar:
        while True:
            command.refresh_from_db()
            bar.total = command.total or None
            bar.n = command.processed + command.error_count
            bar.set_postfix(state=command.state, errors=command.error_count, refresh=False)
            bar.refresh()
            if command.is_done:
                return command
            if timeout is not None and time.monotonic() - started > timeout:
                raise CommandError(f"{command.command_id} is still {command.state} after {timeout:g} s")
            time.sleep(interval)


def add_follow_arguments(parser) -> None:
    parser.add_argument("--interval", type=float, default=0.5, help="Seconds between polls while following.")
    parser.add_argument("--timeout", type=float, default=None, help="Stop following after this many seconds.")


class Command(BaseCommand):
    help = (
        "Print a bulk command's status as Nuxeo's bulkStatus entity (JSON). With --follow, show a progress "
        "bar until it is COMPLETED or ABORTED, then print the entity."
    )

    def add_arguments(self, parser):
        parser.add_argument("command_id", metavar="COMMAND_ID", help="The commandId a bulk command printed.")
        parser.add_argument("--follow", action="store_true", help="Follow it with a progress bar until it ends.")
        add_follow_arguments(parser)

    def handle(self, *args, **options):
        command = bulk_command_get(options["command_id"])
        if command is None:
            raise CommandError(f"No bulk command {options['command_id']}")
        if options["follow"]:
            command = follow(command, interval=options["interval"], timeout=options["timeout"])
        self.stdout.write(json.dumps(bulk_status_entity(command), indent=2))

from django.core.management.base import BaseCommand, CommandError

from media_platform.models import BulkCommand, Library
from media_platform.query.errors import QuerySyntaxError
from media_platform.services.bulk import BulkParamError, bulk_command_create

from .bulk_status import add_follow_arguments, follow


def library_or_error(library_id: int | None) -> Library | None:
    if library_id is None:
        return None
    library = Library.objects.filter(pk=library_id).first()
    if library is None:
        raise CommandError(f"No library {library_id}")
    return library


def start(command: BaseCommand, options: dict, **create) -> None:
    """Create the bulk command, print its id, and follow it when asked to."""
    try:
        bulk = bulk_command_create(
            query=options["query"],
            library=library_or_error(options["library"]),
            batch_size=options["batch_size"],
            **create,
        )
    except (QuerySyntaxError, BulkParamError) as exc:
        raise CommandError(exc.message) from exc
    command.stdout.write(str(bulk.command_id))
    if options["wait"]:
        bulk = follow(bulk, interval=options["interval"], timeout=options["timeout"])
        command.stdout.write(f"{bulk.state}: {bulk.processed} queued, {bulk.error_count} error(s) of {bulk.total}")


def add_bulk_arguments(parser, *, query_help: str, query_required: bool) -> None:
    parser.add_argument("--query", required=query_required, default=None, help=query_help)
    parser.add_argument("--library", type=int, default=None, help="Only this library's videos.")
    parser.add_argument("--wait", action="store_true", help="Follow the command with a progress bar until it ends.")
    parser.add_argument("--batch-size", type=int, default=None, help="Videos queued per step (default 500).")
    add_follow_arguments(parser)


class Command(BaseCommand):
    help = (
        "Re-encode every video a query selects, as one bulk command run by the workers; prints its commandId "
        '(follow it with `bulk_status`). Example: reencode --query "status = 5" --library 1 --wait'
    )

    def add_arguments(self, parser):
        query_help = 'The videos, in the query language: "SELECT * FROM Document WHERE …"'
        add_bulk_arguments(parser, query_help=query_help, query_required=True)

    def handle(self, *args, **options):
        start(self, options, action=BulkCommand.Action.REENCODE)

from django.core.management.base import BaseCommand

from media_platform.models import BulkCommand
from media_platform.query import DEFAULT_QUERY

from .reencode import add_bulk_arguments, start


class Command(BaseCommand):
    help = (
        "Recompute the conversions of the videos a query selects (Nuxeo's recomputeVideoConversion), as one bulk "
        "command; prints its commandId. --conversions re-encodes only those renditions and keeps the others."
    )

    def add_arguments(self, parser):
        add_bulk_arguments(parser, query_help=f"The videos; defaults to: {DEFAULT_QUERY}", query_required=False)
        parser.add_argument(
            "--conversions", default="", help="Renditions to recompute, e.g. 720p,480p (default: every enabled one)."
        )
        parser.add_argument(
            "--all-info",
            action="store_true",
            help="Recompute all video info (size, length, frame rate…); by default only missing info is filled.",
        )

    def handle(self, *args, **options):
        start(
            self,
            options,
            action=BulkCommand.Action.RECOMPUTE,
            conversion_names=options["conversions"],
            recompute_all_video_info=options["all_info"],
        )

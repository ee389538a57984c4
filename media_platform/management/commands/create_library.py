import json

from django.core.management.base import BaseCommand

from media_platform.services.libraries import library_create


class Command(BaseCommand):
    help = "Create a video library and print one line of JSON: its id, apiKey and readOnlyApiKey."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--webhook-url", default="", help="Where status webhooks are POSTed.")
        parser.add_argument("--resolutions", default=None, help="Enabled resolutions, e.g. 240p,360p,720p,1080p")
        parser.add_argument("--mp4-fallback", action="store_true", help="Also write play_{res}.mp4 files.")

    def handle(self, *args, **options):
        library, keys = library_create(
            name=options["name"],
            webhook_url=options["webhook_url"],
            enabled_resolutions=options["resolutions"],
            mp4_fallback=options["mp4_fallback"],
        )
        line = {"id": library.pk, "apiKey": keys.api_key, "readOnlyApiKey": keys.read_only_api_key}
        self.stdout.write(json.dumps(line))

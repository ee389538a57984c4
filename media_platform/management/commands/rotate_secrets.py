from django.core.management.base import BaseCommand, CommandError

from media_platform.services.secrets import secrets_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret (webhook secrets and headers, request S3 credentials and URLs, "
        "content keys) with the current key: SECRET_KEY, or FIELD_ENCRYPTION_KEY's first entry. Run it "
        "after a key change, with the old key in SECRET_KEY_FALLBACKS (or later in FIELD_ENCRYPTION_KEY); "
        "then the old key can go. Safe to run again."
    )

    def handle(self, *args, **options):
        rotation = secrets_rotate()
        self.stdout.write(f"{rotation.rewritten} row(s) re-encrypted with the current key")
        if rotation.unreadable:
            for row in rotation.unreadable:
                self.stderr.write(f"cannot decrypt {row}: no configured key opens it")
            raise CommandError(f"{len(rotation.unreadable)} row(s) left as they were: add their key as a fallback")

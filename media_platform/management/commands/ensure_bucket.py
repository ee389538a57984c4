from botocore.exceptions import BotoCoreError, ClientError
from django.core.management.base import BaseCommand, CommandError

from media_platform.storage import storage
from media_platform.storage.files import is_local

MISSING = {"404", "NoSuchBucket", "NotFound"}


class Command(BaseCommand):
    help = "Create the storage bucket (AWS_STORAGE_BUCKET_NAME) unless it exists. Safe to run at every start."

    def handle(self, *args, **options):
        store = storage()
        if is_local(store):
            self.stdout.write("local storage: no bucket to create")
            return
        client, bucket = store.connection.meta.client, store.bucket_name
        try:
            self.stdout.write(f"bucket {bucket} {self.ensure(client, bucket)}")
        except (BotoCoreError, ClientError) as error:
            raise CommandError(f"bucket {bucket}: {error}") from error

    def ensure(self, client, bucket: str) -> str:
        try:
            client.head_bucket(Bucket=bucket)
            return "exists"
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in MISSING:
                raise
        region = client.meta.region_name
        where = {} if region in (None, "us-east-1") else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        try:
            client.create_bucket(Bucket=bucket, **where)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "BucketAlreadyOwnedByYou":  # a start beside this one
                raise
        return "created"

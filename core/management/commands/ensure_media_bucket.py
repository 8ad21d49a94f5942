"""Create the media bucket when media are kept in an S3-compatible store (MEDIA_STORAGE=s3) and
the bucket does not exist yet (a fresh MinIO). Nothing to do for local media."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        if settings.MEDIA_STORAGE != "s3":
            self.stdout.write("Media are stored locally; no bucket needed.")
            return
        bucket = default_storage.bucket
        client = default_storage.connection.meta.client
        existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
        if bucket.name in existing:
            self.stdout.write(f"Media bucket {bucket.name} exists.")
            return
        region = client.meta.region_name
        if region and region != "us-east-1":
            client.create_bucket(Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": region})
        else:
            client.create_bucket(Bucket=bucket.name)
        self.stdout.write(f"Media bucket {bucket.name} created.")

"""The botocore client settings every S3 client of the platform shares (its own storage, the
locations named in requests), in one place that settings.py can use before Django is set up."""

from botocore.config import Config


def s3_client_config(*, concurrency: int, attempts: int, **options) -> Config:
    """A connection for each transfer thread; throttling, 5xx answers and dropped connections
    retried with backoff ("standard" mode) up to `attempts` tries in all."""
    return Config(
        max_pool_connections=max(10, concurrency),
        retries={"max_attempts": attempts, "mode": "standard"},
        **options,
    )

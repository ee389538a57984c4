"""Many files to and from S3 at once: one boto3 transfer manager per tree, a bounded number of
requests in flight, each file streamed from or to disk (never read whole), retries by the client.

An hour of 4 s segments in five renditions is ~4,500 objects: one PUT after another, each a
round trip, is what made publishing to S3 slower than a rename on local disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from boto3.s3.transfer import TransferConfig, create_transfer_manager
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from s3transfer.exceptions import RetriesExceededError

from config.s3 import s3_client_config
from media_platform.playback.paths import content_type as served_content_type

MIB = 1024**2
MANIFESTS = {".m3u8", ".mpd"}
# What a transfer raises when S3 fails it (after the client's retries).
ERRORS = (BotoCoreError, ClientError, RetriesExceededError)


def transfer_config(multipart_threshold: int = 16 * MIB) -> TransferConfig:
    """Big files in 16 MiB parts, S3_TRANSFER_CONCURRENCY requests in flight across all files."""
    return TransferConfig(
        multipart_threshold=multipart_threshold,
        multipart_chunksize=16 * MIB,
        max_concurrency=settings.S3_TRANSFER_CONCURRENCY,
        use_threads=True,
    )


def client_config(**options) -> Config:
    return s3_client_config(concurrency=settings.S3_TRANSFER_CONCURRENCY, attempts=settings.S3_MAX_ATTEMPTS, **options)


def content_type(name: str) -> str:
    """What the playback URLs serve the same file as (an S3 redirect must not differ)."""
    return served_content_type(name)


def publish_waves(names: Iterable[str]) -> list[list[str]]:
    """Relative names in the order a reader must find them: media files first, then WebVTT (which
    playlists and the storyboard name), then playlists and manifests, the deepest first (variant
    playlists before the master that lists them). Each wave goes up in parallel, after the last."""

    def rank(name: str) -> tuple[int, int]:
        path = PurePosixPath(name)
        if path.suffix in MANIFESTS:
            return (2, -len(path.parts))
        return (1 if path.suffix == ".vtt" else 0, 0)

    waves: dict[tuple[int, int], list[str]] = {}
    for name in sorted(names):
        waves.setdefault(rank(name), []).append(name)
    return [waves[key] for key in sorted(waves)]


@dataclass(frozen=True)
class Upload:
    path: Path
    key: str
    extra: dict


def upload_files(client, bucket: str, uploads: list[Upload]) -> None:
    """Upload every file, in parallel; the first error is raised once the rest are cancelled."""
    _run(client, lambda manager, u: manager.upload(str(u.path), bucket, u.key, extra_args=u.extra), uploads)


def upload_tree(client, bucket: str, local_dir: Path, key_of: Callable[[str], str], extra_of: Callable[[str], dict]):
    """A folder under keys named by `key_of(relative name)`, wave after wave (see publish_waves).
    Returns [(relative name, size)] in the order written."""
    written = []
    for wave in publish_waves(tree(local_dir)):
        upload_files(client, bucket, [Upload(local_dir / name, key_of(name), extra_of(name)) for name in wave])
        written += [(name, (local_dir / name).stat().st_size) for name in wave]
    return written


def tree(local_dir: Path) -> list[str]:
    """The relative names of every file under a folder."""
    return [path.relative_to(local_dir).as_posix() for path in local_dir.rglob("*") if path.is_file()]


def download_files(client, bucket: str, downloads: list[tuple[str, Path]]) -> None:
    """Fetch objects to local paths, many at once, each in one streamed GET: S3-compatible servers
    that answer a ranged GET by re-reading the whole object (moto does) made ranged parts of a big
    source slower than one stream, which already fills a link of its own."""
    for _, target in downloads:
        target.parent.mkdir(parents=True, exist_ok=True)
    start = lambda manager, item: manager.download(bucket, item[0], str(item[1]))  # noqa: E731
    _run(client, start, downloads, config=transfer_config(multipart_threshold=2**62))


def _run(client, start: Callable, items: list, config: TransferConfig | None = None) -> None:
    if not items:
        return
    with create_transfer_manager(client, config or transfer_config()) as manager:
        futures = [start(manager, item) for item in items]
        for future in futures:
            future.result()  # an error raised here makes the manager cancel what is still queued

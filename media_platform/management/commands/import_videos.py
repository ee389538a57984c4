import sys
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from media_platform.models import Collection, Library
from media_platform.services.collections import collection_create
from media_platform.services.videos import UploadFailed, video_create, video_fetch, video_upload

VIDEO_EXTENSIONS = {
    ".3gp", ".avi", ".flv", ".m2ts", ".m4v", ".mkv", ".mov", ".mp4", ".mpeg", ".mpg", ".mts", ".mxf", ".ogv",
    ".ts", ".webm", ".wmv",
}  # fmt: skip


@dataclass(frozen=True)
class Source:
    value: str
    is_url: bool


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def expand(value: str) -> list[Source]:
    """A URL, a file, or every video file under a folder (recursively, by extension)."""
    if is_url(value):
        return [Source(value, True)]
    path = Path(value).expanduser()
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in VIDEO_EXTENSIONS)
        return [Source(str(p), False) for p in found]
    if path.is_file():
        return [Source(str(path), False)]
    raise CommandError(f"{value}: no such file, folder or URL")


def read_list(name: str) -> list[str]:
    """One source a line; blank lines and lines starting with # are skipped."""
    try:
        lines = Path(name).read_text().splitlines()
    except OSError as exc:
        raise CommandError(f"--from-file {name}: {exc}") from exc
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


class Command(BaseCommand):
    help = (
        "Import videos into a library: local files are streamed into storage like an upload, URLs are fetched "
        "by a worker, folders are searched recursively for video files. Each video is then encoded. Prints "
        "one line per video: its guid and where it came from."
    )

    def add_arguments(self, parser):
        parser.add_argument("library_id", type=int, metavar="LIBRARY_ID")
        parser.add_argument("sources", nargs="*", metavar="PATH_OR_URL", help="Files, folders or http(s) URLs.")
        parser.add_argument("--from-file", metavar="LIST", help="A text file listing files or URLs, one a line.")
        parser.add_argument("--collection", metavar="NAME", help="Put the videos in this collection (made if new).")

    def handle(self, *args, **options):
        library = Library.objects.filter(pk=options["library_id"]).first()
        if library is None:
            raise CommandError(f"No library {options['library_id']}")
        values = list(options["sources"]) + (read_list(options["from_file"]) if options["from_file"] else [])
        if not values:
            raise CommandError("Name at least one file, folder or URL, or --from-file.")
        sources = [source for value in values for source in expand(value)]
        collection = self._collection(library, options["collection"])
        failed = 0
        for source in tqdm(sources, unit="video", desc="import", file=sys.stderr):
            try:
                guid = self._import(library, collection, source)
            except UploadFailed as exc:
                failed += 1
                self.stderr.write(f"{source.value}: {exc}")
                continue
            self.stdout.write(f"{guid}\t{source.value}")
        self.stdout.write(f"{len(sources) - failed} video(s) imported, {failed} failed")
        if failed:
            raise CommandError(f"{failed} video(s) could not be imported")

    def _collection(self, library: Library, name: str | None) -> Collection | None:
        if not name:
            return None
        existing = Collection.objects.filter(library=library, name=name).order_by("created_at").first()
        return existing or collection_create(library=library, name=name)

    def _import(self, library: Library, collection: Collection | None, source: Source) -> str:
        if source.is_url:
            return str(video_fetch(library=library, url=source.value, collection=collection).guid)
        path = Path(source.value)
        video = video_create(library=library, title=path.name, collection=collection)
        with open(path, "rb") as handle:
            video_upload(video=video, stream=handle, content_length=path.stat().st_size)
        return str(video.guid)

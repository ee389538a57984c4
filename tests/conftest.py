from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import django_rq
import pytest
from rest_framework.test import APIClient
from rq.worker import BaseWorker

from media_platform.models import Library, Video
from media_platform.services.libraries import library_create
from media_platform.storage import save_bytes
from tests.support.media import make_clip
from tests.support.s3 import KEY, REGION, SECRET


@dataclass
class LibraryWithKeys:
    library: Library
    api_key: str
    read_only_key: str

    @property
    def id(self) -> int:
        return self.library.pk


# --- Markers: what a test starts (`make test-fast` leaves out all of these) ---------------------
# A test using one of these fixtures is marked for it at collection; a test that starts one of
# these parts without its marker (a helper that runs ffmpeg, a subprocess worker) fails, so the
# markers stay true. The in-process Redis of every test process is none of them.
MARKED_BY_FIXTURE = {
    "clip": "ffmpeg",
    "mark_png": "ffmpeg",
    "s3_server": "servers",
    "receiver": "servers",
    "live_server": "servers",
    "browser": "browser",
}
HEAVY = ("ffmpeg", "workers", "servers", "browser")


def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture, marker in MARKED_BY_FIXTURE.items():
            if fixture in getattr(item, "fixturenames", ()) and not item.get_closest_marker(marker):
                item.add_marker(marker)


def started_part(argv) -> str | None:
    """Which marker a subprocess calls for, from its command line."""
    words = [str(word) for word in ([argv] if isinstance(argv, str | os.PathLike) else argv)]
    line = " ".join(words)
    program = os.path.basename(words[0]) if words else ""
    if "ffmpeg" in program or "ffprobe" in program:
        return "ffmpeg"
    if "rqworker" in words or "run_platform" in words:
        return "workers"
    if "playwright" in line or "chrom" in program:
        return "browser"
    if any(name in line for name in ("moto.server", "gunicorn", "redis-server", "initdb", "pg_ctl", "postgres")):
        return "servers"
    return None


@pytest.fixture(autouse=True)
def _marked_for_what_it_starts(request, monkeypatch):
    started: set[str] = set()
    popen_init, work = subprocess.Popen.__init__, BaseWorker.work

    def watched_popen(self, args, *rest, **options):
        if part := started_part(args):
            started.add(part)
        popen_init(self, args, *rest, **options)

    def watched_work(self, *args, **options):
        started.add("workers")
        return work(self, *args, **options)

    monkeypatch.setattr(subprocess.Popen, "__init__", watched_popen)
    monkeypatch.setattr(BaseWorker, "work", watched_work)
    yield
    unmarked = sorted(part for part in started if not request.node.get_closest_marker(part))
    if unmarked:
        pytest.fail(f"this test starts {', '.join(unmarked)} but is not marked so: add @pytest.mark.<name>")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's, and on PostgreSQL, before it drops the test database, the end of the sessions
    that tests' threads left open (a live server's, a thread pool's): DROP DATABASE refuses while
    any is connected, and says so as a warning at the end of the run."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(autouse=True)
def _empty_redis():
    """Every test starts with empty queues."""
    django_rq.get_connection("default").flushdb()
    yield


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def clip(media_dir):
    """clip(name, **make_clip options) → a generated file, made once per session."""

    def make(name: str, **options) -> Path:
        return make_clip(media_dir / name, **options)

    return make


@pytest.fixture
def library_keys(db) -> LibraryWithKeys:
    library, keys = library_create(name="Test library")
    return LibraryWithKeys(library, keys.api_key, keys.read_only_api_key)


@pytest.fixture
def library(db) -> Library:
    """A library of its own, for tests that need no API key."""
    library, _keys = library_create(name="Library")
    return library


@pytest.fixture
def make_video(library):
    """make_video(title, original=True, **fields): a saved Video, in `library` unless the fields name
    another; original=True stores a (fake) original for it."""

    def make(title: str = "Clip", *, original: bool = False, **fields) -> Video:
        fields.setdefault("library", library)
        video = Video.objects.create(title=title, **fields)
        if original:
            video.original_name = save_bytes(f"originals/{video.library_id}/{video.guid}/src", b"not really a video")
            video.has_original = True
            video.save(update_fields=["original_name", "has_original"])
        return video

    return make


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def bunny(api, library_keys) -> APIClient:
    api.credentials(HTTP_ACCESSKEY=library_keys.api_key)
    return api


@pytest.fixture
def receiver(settings):
    """A loopback HTTP server the platform may call (it is on SSRF_ALLOWLIST for this test)."""
    from tests.support.receiver import start_receiver

    server = start_receiver()
    settings.SSRF_ALLOWLIST = ["127.0.0.1"]
    yield server
    server.server.shutdown()


@pytest.fixture(scope="session")
def s3_server():
    from tests.support.s3 import start_s3

    server = start_s3()
    yield server
    server.stop()


@pytest.fixture
def s3(s3_server, settings):
    """The S3 server, reachable by the platform (loopback allowed for this test)."""
    settings.SSRF_ALLOWLIST = [*settings.SSRF_ALLOWLIST, "127.0.0.1"]
    if s3_server.process is None or s3_server.process.poll() is not None:
        s3_server.start()
    return s3_server


@pytest.fixture
def s3_storage(s3, settings) -> str:
    """The platform's own storage on the S3 server (django-storages), in a fresh bucket: its name."""
    bucket = s3.bucket()
    options = {"bucket_name": bucket, "endpoint_url": s3.endpoint, "access_key": KEY, "secret_key": SECRET}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "region_name": REGION, "file_overwrite": True},
        },
    }
    return bucket

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import django_rq
import pytest
from rest_framework.test import APIClient

from media_platform.models import Library
from media_platform.services.libraries import library_create
from tests.support.media import make_clip


@dataclass
class LibraryWithKeys:
    library: Library
    api_key: str
    read_only_key: str

    @property
    def id(self) -> int:
        return self.library.pk


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

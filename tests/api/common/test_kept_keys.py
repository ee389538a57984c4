"""API keys found once are kept by each process under their library's content version: a kept
key costs one indexed read, and whatever changes the library — a key reset, a setting, its
deletion — is seen by the very next request."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from media_platform.models import Library
from media_platform.selectors.libraries import library_by_key
from media_platform.services.libraries import library_delete, library_regenerate_keys

pytestmark = pytest.mark.django_db(transaction=True)


def looked_up(key: str):
    """(what library_by_key found, the SQL it ran)."""
    with CaptureQueriesContext(connection) as queries:
        found = library_by_key(key)
    return found, [query["sql"] for query in queries]


def test_a_kept_key_reads_only_its_librarys_version(library_keys):
    first, sql = looked_up(library_keys.api_key)
    assert first.library == library_keys.library and not first.read_only
    assert len(sql) == 1 and "api_key_hash" in sql[0]  # the library and its version, in one statement

    again, sql = looked_up(library_keys.api_key)
    assert again == first
    assert len(sql) == 1 and "librarycontentversion" in sql[0] and "api_key_hash" not in sql[0]


def test_a_reset_key_is_refused_by_the_next_request(bunny, library_keys):
    url = f"/library/{library_keys.id}/videos"
    assert bunny.get(url).status_code == 200  # the key is now kept

    keys = library_regenerate_keys(library=library_keys.library)

    response = bunny.get(url)
    assert response.status_code == 401 and response.json()["statusCode"] == 401  # bunny's StatusModel
    bunny.credentials(HTTP_ACCESSKEY=keys.api_key)
    assert bunny.get(url).status_code == 200
    assert library_by_key(library_keys.read_only_key) is None
    assert library_by_key(keys.read_only_api_key).read_only


def test_a_deleted_librarys_key_opens_nothing(library_keys):
    assert library_by_key(library_keys.api_key) is not None
    library_delete(library=Library.objects.get(pk=library_keys.id))
    assert library_by_key(library_keys.api_key) is None


def test_a_setting_changed_anywhere_is_seen_by_the_next_lookup(library_keys):
    assert library_by_key(library_keys.api_key).library.webhook_url == ""
    # as the admin or a bulk update would write it, past any service
    Library.objects.filter(pk=library_keys.id).update(webhook_url="https://hooks.example.com/new")
    assert library_by_key(library_keys.api_key).library.webhook_url == "https://hooks.example.com/new"


def test_a_request_changing_its_library_leaves_the_kept_one_alone(library_keys):
    library_by_key(library_keys.api_key).library.name = "Changed by one request, never saved"
    assert library_by_key(library_keys.api_key).library.name == "Test library"


def test_inside_a_transaction_a_reset_is_seen_at_once(library_keys):
    library_by_key(library_keys.api_key)
    with transaction.atomic():
        library_regenerate_keys(library=Library.objects.get(pk=library_keys.id))
        # not yet counted (PostgreSQL counts at commit), so looked up afresh
        assert library_by_key(library_keys.api_key) is None


WATCHED = ["media_platform_video", "media_platform_collection", "media_platform_library", "media_platform_caption",
           "media_platform_transcodingmessage"]  # fmt: skip


def test_every_table_the_version_watches_has_its_triggers():
    # A migration that rebuilds a table (SQLite does, to add most columns) drops its triggers.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%%_content_%%'")
        else:
            cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE '%%_content'")
        tables = {row[0] for row in cursor.fetchall()}
    assert tables == set(WATCHED)

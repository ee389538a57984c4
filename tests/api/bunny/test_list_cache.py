"""The video list's kept pages: the same bytes as a fresh render, and any change to what a page
shows — however it is written — seen by the very next request."""

from __future__ import annotations

import base64

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from media_platform.models import Caption, Collection, Library, TranscodingMessage, Video
from media_platform.services.collections import collection_create
from tests.support.bunny import create_video

pytestmark = pytest.mark.django_db(transaction=True)
VTT = base64.b64encode(b"WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n").decode()


@pytest.fixture
def listing(bunny, library_keys):
    """list() → (the page's JSON, how many queries it took); a few videos to list."""
    collection = collection_create(library=library_keys.library, name="Trips")
    guids = [create_video(bunny, library_keys.id, f"Clip {n}") for n in range(3)]
    bunny.post(f"/library/{library_keys.id}/videos/{guids[0]}", {"collectionId": str(collection.guid)}, format="json")

    def list_page(query: str = "?page=1&itemsPerPage=2&orderBy=title") -> tuple[dict, int]:
        with CaptureQueriesContext(connection) as queries:
            response = bunny.get(f"/library/{library_keys.id}/videos{query}")
        assert response.status_code == 200, response.content
        return response.json(), len(queries)

    list_page.guids, list_page.collection = guids, collection
    return list_page


def test_a_kept_page_is_the_same_response_byte_for_byte(bunny, library_keys, listing, settings):
    url = f"/library/{library_keys.id}/videos?page=1&itemsPerPage=2&orderBy=title"
    settings.BUNNY_LIST_CACHE_PAGES = 0
    fresh = bunny.get(url)
    settings.BUNNY_LIST_CACHE_PAGES = 256
    bunny.get(url)
    with CaptureQueriesContext(connection) as queries:
        kept = bunny.get(url)
    assert len(queries) == 1  # the content version alone: the key and the page are kept
    assert kept.content == fresh.content
    assert sorted(kept.items()) == sorted(fresh.items())
    # an indented rendering is asked for with a media type parameter: rendered, not kept
    indented = bunny.get(url, HTTP_ACCEPT="application/json; indent=2")
    assert indented.content.startswith(b'{\n  "totalItems"')


# Each change as some part of the platform writes it: through the API, a service, a bulk
# .update() as the pipeline does, the ORM as the admin does, raw SQL.
def rename_by_api(bunny, library, listing):
    bunny.post(f"/library/{library.id}/videos/{listing.guids[0]}", {"title": "A new name"}, format="json")


def progress_by_update(bunny, library, listing):
    Video.objects.filter(guid=listing.guids[0]).update(encode_progress=42)


def caption_by_api(bunny, library, listing):
    response = bunny.post(f"/library/{library.id}/videos/{listing.guids[0]}/captions/en", {"captionsFile": VTT},
                          format="json")  # fmt: skip
    assert response.status_code == 200, response.content


def caption_label_by_orm(bunny, library, listing):
    caption_by_api(bunny, library, listing)
    listing()  # kept again, with the caption
    Caption.objects.filter(video__guid=listing.guids[0]).update(label="English (CC)")


def message_by_orm(bunny, library, listing):
    video = Video.objects.get(guid=listing.guids[0])
    TranscodingMessage.objects.create(video=video, level=1, issue_code=0, message="Heads up")


def collection_deleted(bunny, library, listing):
    response = bunny.delete(f"/library/{library.id}/collections/{listing.collection.guid}")
    assert response.status_code == 200, response.content


def video_deleted(bunny, library, listing):
    assert bunny.delete(f"/library/{library.id}/videos/{listing.guids[1]}").status_code == 200


def video_added(bunny, library, listing):
    create_video(bunny, library.id, "Another")


def title_by_raw_sql(bunny, library, listing):
    video_id = Video.objects.get(guid=listing.guids[0]).pk
    with connection.cursor() as cursor:
        cursor.execute("UPDATE media_platform_video SET title = %s WHERE id = %s", ["Raw", video_id])


@pytest.mark.parametrize(
    "change",
    [rename_by_api, progress_by_update, caption_by_api, caption_label_by_orm, message_by_orm, collection_deleted,
     video_deleted, video_added, title_by_raw_sql],
)  # fmt: skip
def test_any_change_to_what_the_page_shows_is_seen_by_the_next_request(bunny, library_keys, listing, change):
    # given a page rendered once, then served as kept
    listing()
    before, queries = listing()
    assert queries == 1  # the content version alone

    # when something it shows changes
    change(bunny, library_keys, listing)

    # then the next request renders it afresh, with the change, as a fresh render does
    after, queries = listing()
    assert queries > 2 and after != before
    assert listing() == (after, 1)


def test_a_change_in_another_library_keeps_this_librarys_pages(bunny, library_keys, listing):
    listing()
    other = Library.objects.create(name="Other")
    Collection.objects.create(library=other, name="Theirs")
    Video.objects.create(library=other, title="Theirs")
    assert listing()[1] == 1


def test_inside_a_transaction_the_page_is_rendered_with_its_own_writes(listing):
    # given a kept page
    listing()
    assert listing()[1] == 1

    # when a transaction changes a video and lists (its change is counted only at commit)
    with transaction.atomic():
        Video.objects.filter(guid=listing.guids[0]).update(title="Aardvark")
        page, queries = listing()

    # then the page was rendered, with the change
    assert queries > 2 and page["items"][0]["title"] == "Aardvark"

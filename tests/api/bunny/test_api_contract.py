"""bunny's Stream API shapes, status codes and error bodies, without encoding anything."""

from __future__ import annotations

import base64
import uuid

import pytest

from media_platform.services.libraries import library_create

pytestmark = pytest.mark.django_db

VIDEO_MODEL_FIELDS = {
    "videoLibraryId", "guid", "title", "description", "dateUploaded", "views", "isPublic", "length", "status",
    "framerate", "rotation", "width", "height", "availableResolutions", "outputCodecs", "thumbnailCount",
    "encodeProgress", "storageSize", "captions", "hasMP4Fallback", "collectionId", "thumbnailFileName",
    "thumbnailBlurhash", "averageWatchTime", "totalWatchTime", "category", "chapters", "moments", "metaTags",
    "transcodingMessages", "jitEncodingEnabled", "smartGenerateStatus", "smartGenerateFeaturesStatus",
    "hasOriginal", "originalHash", "hasHighQualityPreview",
}  # fmt: skip


def test_video_model_has_every_field_of_bunnys(bunny, library_keys):
    video = bunny.post(f"/library/{library_keys.id}/videos", {"title": "A"}, format="json").json()
    assert set(video) == VIDEO_MODEL_FIELDS
    assert video["status"] == 0 and video["videoLibraryId"] == library_keys.id
    assert isinstance(video["dateUploaded"], str) and video["dateUploaded"].endswith("Z")
    assert video["captions"] == [] and video["transcodingMessages"] == [] and video["hasOriginal"] is False


@pytest.mark.parametrize(
    "headers, status",
    [({}, 401), ({"HTTP_ACCESSKEY": "nope"}, 401)],
)
def test_requests_without_a_valid_key_get_401_with_a_status_model(api, library_keys, headers, status):
    response = api.get(f"/library/{library_keys.id}/videos", **headers)
    assert response.status_code == status
    body = response.json()
    assert body["success"] is False and body["statusCode"] == status and body["message"]


def test_a_key_never_reaches_another_library(api, library_keys):
    other, other_keys = library_create(name="Other")
    api.credentials(HTTP_ACCESSKEY=library_keys.api_key)
    guid = api.post(f"/library/{library_keys.id}/videos", {"title": "mine"}, format="json").json()["guid"]
    api.credentials(HTTP_ACCESSKEY=other_keys.api_key)
    assert api.get(f"/library/{library_keys.id}/videos").status_code == 401
    assert api.get(f"/library/{library_keys.id}/videos/{guid}").status_code == 401
    assert api.get(f"/library/{other.pk}/videos/{guid}").status_code == 404
    assert api.get(f"/library/{other.pk}/videos").json()["totalItems"] == 0


def test_read_only_key_reads_but_cannot_write(api, library_keys):
    api.credentials(HTTP_ACCESSKEY=library_keys.read_only_key)
    assert api.get(f"/library/{library_keys.id}/videos").status_code == 200
    response = api.post(f"/library/{library_keys.id}/videos", {"title": "x"}, format="json")
    assert response.status_code == 403 and response.json()["statusCode"] == 403


def test_list_paginates_searches_and_filters_by_collection(bunny, library_keys):
    base = f"/library/{library_keys.id}"
    collection = bunny.post(f"{base}/collections", {"name": "Trailers"}, format="json").json()["guid"]
    for i in range(5):
        bunny.post(f"{base}/videos", {"title": f"launch {i}", "collectionId": collection}, format="json")
    for i in range(3):
        bunny.post(f"{base}/videos", {"title": f"other {i}"}, format="json")
    page = bunny.get(f"{base}/videos", {"page": 2, "itemsPerPage": 3}).json()
    assert (page["totalItems"], page["currentPage"], page["itemsPerPage"], len(page["items"])) == (8, 2, 3, 3)
    assert bunny.get(f"{base}/videos", {"search": "launch"}).json()["totalItems"] == 5
    in_collection = bunny.get(f"{base}/videos", {"collection": collection}).json()
    assert in_collection["totalItems"] == 5 and {v["collectionId"] for v in in_collection["items"]} == {collection}
    titles = [v["title"] for v in bunny.get(f"{base}/videos", {"orderBy": "title"}).json()["items"]]
    assert titles == sorted(titles)


def test_list_query_count_does_not_grow_with_the_page(bunny, library_keys, django_assert_max_num_queries):
    base = f"/library/{library_keys.id}"
    for i in range(30):
        bunny.post(f"{base}/videos", {"title": f"v{i}"}, format="json")
    with django_assert_max_num_queries(8):
        assert len(bunny.get(f"{base}/videos", {"itemsPerPage": 30}).json()["items"]) == 30


def test_default_listing_reads_an_index_in_order_without_sorting(bunny, library_keys):
    from django.db import connection

    from media_platform.models import Library
    from media_platform.selectors.videos import video_list

    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plan")
    queryset = video_list(library=Library.objects.get(pk=library_keys.id))[200:300]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " / ".join(row[-1] for row in cursor.fetchall())

    assert "USING INDEX video_library_listing" in plan and "TEMP B-TREE" not in plan, plan


def test_update_sets_title_collection_chapters_moments_and_meta_tags(bunny, library_keys):
    base = f"/library/{library_keys.id}"
    guid = bunny.post(f"{base}/videos", {"title": "old"}, format="json").json()["guid"]
    collection = bunny.post(f"{base}/collections", {"name": "C"}, format="json").json()["guid"]
    body = {
        "title": "new",
        "collectionId": collection,
        "chapters": [{"title": "Intro", "start": 0, "end": 10}],
        "moments": [{"label": "Goal", "timestamp": 42}],
        "metaTags": [{"property": "description", "value": "hello"}],
    }
    response = bunny.post(f"{base}/videos/{guid}", body, format="json")
    assert response.json() == {"success": True, "message": "OK", "statusCode": 200}
    video = bunny.get(f"{base}/videos/{guid}").json()
    assert video["title"] == "new" and video["collectionId"] == collection
    assert video["chapters"] == body["chapters"] and video["moments"] == body["moments"]
    assert video["metaTags"] == body["metaTags"]


def test_invalid_update_is_a_400_status_model(bunny, library_keys):
    base = f"/library/{library_keys.id}"
    guid = bunny.post(f"{base}/videos", {"title": "a"}, format="json").json()["guid"]
    response = bunny.post(f"{base}/videos/{guid}", {"chapters": [{"start": 5}]}, format="json")
    assert response.status_code == 400
    assert response.json()["success"] is False and "title" in response.json()["message"]


def test_unknown_video_is_404_and_reencode_without_original_is_400(bunny, library_keys):
    base = f"/library/{library_keys.id}"
    assert bunny.get(f"{base}/videos/{uuid.uuid4()}").status_code == 404
    assert bunny.post(f"{base}/videos/{uuid.uuid4()}/reencode").status_code == 404
    guid = bunny.post(f"{base}/videos", {"title": "a"}, format="json").json()["guid"]
    response = bunny.post(f"{base}/videos/{guid}/reencode")
    assert response.status_code == 400
    assert response.json() == {"success": False, "message": "Original file is missing", "statusCode": 400}


def test_delete_removes_the_video(bunny, library_keys):
    base = f"/library/{library_keys.id}"
    guid = bunny.post(f"{base}/videos", {"title": "a"}, format="json").json()["guid"]
    assert bunny.delete(f"{base}/videos/{guid}").json()["success"] is True
    assert bunny.get(f"{base}/videos/{guid}").status_code == 404


def test_captions_in_webvtt_and_srt_are_added_served_and_deleted(bunny, library_keys, client):
    base = f"/library/{library_keys.id}"
    guid = bunny.post(f"{base}/videos", {"title": "a"}, format="json").json()["guid"]
    srt = b"1\n00:00:00,000 --> 00:00:01,500\nHello\n"
    body = {"srclang": "en", "label": "English", "captionsFile": base64.b64encode(srt).decode()}
    assert bunny.post(f"{base}/videos/{guid}/captions/en", body, format="json").status_code == 200
    video = bunny.get(f"{base}/videos/{guid}").json()
    assert video["captions"] == [{"srclang": "en", "label": "English", "version": 1}]
    served = b"".join(client.get(f"/{guid}/captions/en.vtt").streaming_content).decode()
    assert served.startswith("WEBVTT") and "00:00:00.000 --> 00:00:01.500" in served
    bad = {"srclang": "de", "captionsFile": base64.b64encode(b"not captions").decode()}
    assert bunny.post(f"{base}/videos/{guid}/captions/de", bad, format="json").status_code == 400
    assert bunny.delete(f"{base}/videos/{guid}/captions/en").status_code == 200
    assert bunny.get(f"{base}/videos/{guid}").json()["captions"] == []


def test_collections_crud_counts_videos(bunny, library_keys):
    base = f"/library/{library_keys.id}"
    created = bunny.post(f"{base}/collections", {"name": "Shows"}, format="json").json()
    assert set(created) == {
        "videoLibraryId", "guid", "name", "videoCount", "totalSize", "previewVideoIds", "previewImageUrls"
    }  # fmt: skip
    guid = created["guid"]
    bunny.post(f"{base}/videos", {"title": "v", "collectionId": guid}, format="json")
    got = bunny.get(f"{base}/collections/{guid}").json()
    assert got["videoCount"] == 1 and got["previewVideoIds"]
    assert bunny.post(f"{base}/collections/{guid}", {"name": "Series"}, format="json").json()["success"] is True
    listing = bunny.get(f"{base}/collections").json()
    assert listing["totalItems"] == 1 and listing["items"][0]["name"] == "Series"
    assert bunny.delete(f"{base}/collections/{guid}").status_code == 200
    assert bunny.get(f"{base}/collections/{guid}").status_code == 404


def test_the_direct_video_representation_equals_drfs_generic_one(bunny, library_keys):
    from rest_framework import serializers as drf

    from media_platform.api.bunny.serializers import VideoModel
    from media_platform.engine.issues import IssueCode, Severity
    from media_platform.models import TranscodingMessage, Video
    from media_platform.selectors.videos import video_queryset

    base = f"/library/{library_keys.id}"
    collection = bunny.post(f"{base}/collections", {"name": "C"}, format="json").json()["guid"]
    guid = bunny.post(f"{base}/videos", {"title": "rich", "collectionId": collection}, format="json").json()["guid"]
    bunny.post(
        f"{base}/videos/{guid}",
        {"chapters": [{"title": "A", "start": 1, "end": 2}], "moments": [{"label": "m", "timestamp": 3}],
         "metaTags": [{"property": "p", "value": "v"}]},
        format="json",
    )  # fmt: skip
    video = Video.objects.get(guid=guid)
    TranscodingMessage.objects.create(
        video=video, level=Severity.WARNING, issue_code=IssueCode.INVALID_FRAMERATE, message="m", value="1"
    )
    Video.objects.filter(pk=video.pk).update(available_resolutions="240p,360p", rotation=90, original_hash="ab" * 32)
    video = video_queryset().get(pk=video.pk)
    generic = drf.ModelSerializer.to_representation(VideoModel(), video)
    assert VideoModel(video).data == generic


def test_a_thumbnail_time_beyond_what_the_database_holds_is_a_400_not_a_500(bunny, library_keys):
    # Schemathesis found it on PostgreSQL: 2.1e22 ms went to the INSERT and came back "integer out of range".
    from media_platform.models import Video

    base = f"/library/{library_keys.id}"
    huge = 21393660530394363068416
    created = bunny.post(f"{base}/videos", {"title": "t", "thumbnailTime": huge}, format="json")
    source = {"url": "https://example.com/a.mp4"}
    fetched = bunny.post(f"{base}/videos/fetch?thumbnailTime={huge}", source, format="json")
    for response in (created, fetched):
        assert response.status_code == 400 and response.json()["success"] is False
        assert "thumbnailTime" in response.json()["message"]
    assert not Video.objects.filter(library_id=library_keys.id).exists()
    ok = bunny.post(f"{base}/videos", {"title": "t", "thumbnailTime": 2**31 - 1}, format="json")
    assert ok.status_code == 200
    assert Video.objects.get(guid=ok.json()["guid"]).thumbnail_time == 2**31 - 1

"""A library's key reaches only that library: every route of every dialect is walked with
another library's key and the victim's identifiers, and must answer 401/403/404."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, get_resolver
from rest_framework.test import APIClient

from media_platform.models import Caption, Collection, EncodingProcess, Video
from media_platform.services.libraries import library_create

pytestmark = pytest.mark.django_db

DIALECTS = {"bunny": "AccessKey", "slashed": "Bearer", "tpstreams": "Token", "vidinfra": "Bearer"}
METHODS = ("get", "post", "put", "delete")
DENIED = {401, 403, 404}


@pytest.fixture
def victim():
    library, _ = library_create(name="Victim")
    collection = Collection.objects.create(library=library, name="private")
    video = Video.objects.create(library=library, title="private", collection=collection, status=4)
    Caption.objects.create(video=video, srclang="en", label="English", file_name="x.vtt")
    processes = {
        dialect: EncodingProcess.objects.create(
            library=library, dialect=dialect, status="FAILED", source={}, destination={}
        )
        for dialect in ("slashed", "tpstreams", "vidinfra")
    }
    return library, video, collection, processes


def routes(dialect: str) -> list[tuple[str, str]]:
    found = []
    for pattern in get_resolver(f"media_platform.api.{dialect}.urls").url_patterns:
        assert isinstance(pattern, URLPattern)
        view = pattern.callback.view_class
        found += [(str(pattern.pattern), method) for method in METHODS if hasattr(view, method)]
    return found


def fill(pattern: str, dialect: str, victim) -> str:
    library, video, collection, processes = victim
    values = {
        "library_id": library.pk,
        "organization_id": library.pk,
        "video_id": video.guid,
        "collection_id": collection.guid,
        "srclang": "en",
        "output_codec_id": 1,
        "process_id": processes.get(dialect).public_id if dialect in processes else "x",
        "job_id": processes.get(dialect).public_id if dialect in processes else "x",
        "id": processes.get(dialect).public_id if dialect in processes else "x",
    }
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), pattern)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), path)
    return "/" + path.strip("^$").replace("/?", "/")


def client_for(dialect: str, key: str) -> APIClient:
    client = APIClient()
    if DIALECTS[dialect] == "AccessKey":
        client.credentials(HTTP_ACCESSKEY=key)
    else:
        client.credentials(HTTP_AUTHORIZATION=f"{DIALECTS[dialect]} {key}")
    return client


def body_for(dialect: str, victim) -> dict:
    library, _, _, processes = victim
    if dialect == "slashed":
        return {
            "service_id": library.pk,
            "process_ids": [processes["slashed"].public_id],
            "source": "a.mp4",
            "jobs": [],
        }
    return {"title": "mine now", "name": "mine now"}


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_every_route_refuses_another_librarys_key(dialect, victim):
    library, video, collection, processes = victim
    _, attacker_keys = library_create(name="Attacker")
    client = client_for(dialect, attacker_keys.api_key)
    secrets = {str(video.guid), str(collection.guid), *(p.public_id for p in processes.values())}
    walked = 0
    for pattern, method in routes(dialect):
        path = fill(pattern, dialect, victim)
        response = getattr(client, method)(path, body_for(dialect, victim), format="json")
        text = response.content.decode(errors="replace")
        leaked = [s for s in secrets if s in text and s not in path]
        assert not leaked, f"{method.upper()} {path} leaked {leaked}"
        if any(str(v) in path for v in (library.pk, video.guid, collection.guid)) or any(
            p.public_id in path for p in processes.values()
        ):
            assert response.status_code in DENIED, f"{method.upper()} {path} answered {response.status_code}"
        walked += 1
    assert walked >= 2
    # nothing of the victim's changed
    video.refresh_from_db()
    assert (video.title, video.collection_id, video.status) == ("private", collection.pk, 4)
    assert Caption.objects.filter(video=video).count() == 1 and Collection.objects.filter(pk=collection.pk).exists()
    assert {p.status for p in EncodingProcess.objects.filter(library=library)} == {"FAILED"}


def test_slashed_retry_of_another_librarys_process_is_not_found(victim):
    _, _, _, processes = victim
    attacker_library, attacker_keys = library_create(name="Attacker")
    attacker = client_for("slashed", attacker_keys.api_key)
    body = {"service_id": attacker_library.pk, "process_ids": [processes["slashed"].public_id]}
    response = attacker.post("/retry", body, format="json")
    assert response.status_code == 200 and [entry["status"] for entry in response.json()] == [404]
    processes["slashed"].refresh_from_db()
    assert processes["slashed"].status == "FAILED"


def test_library_keys_do_not_open_the_staff_only_nuxeo_api(victim):
    _, attacker_keys = library_create(name="Attacker")
    for scheme in ("Bearer", "Token"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"{scheme} {attacker_keys.api_key}")
        assert client.post("/api/v1/management/videos/recompute", {"query": "SELECT * FROM Video"}).status_code == 401

"""Every operation of bunny's published Stream API document (../shared/reference), walked against our
server: each answers with a status the document lists, and a body of the documented shape (every
property it documents present, of its type, nullable only where it says so). The three operations
bunny's current document adds (smart, play/heatmap, storage) are walked too."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.conf import settings

from media_platform.models import Collection
from tests.support.bunny import create_video, upload
from tests.support.workers import run_burst

pytestmark = [pytest.mark.workers, pytest.mark.django_db(transaction=True)]
# shared/ lies beside the repository (a worktree: beside the folder of worktrees).
DOCUMENTS = [
    Path(settings.BASE_DIR).parent / "shared" / "reference" / "bunny-stream-openapi.yml",
    Path(settings.BASE_DIR).parent.parent / "shared" / "reference" / "bunny-stream-openapi.yml",
]
METHODS = ("get", "post", "put", "delete")
VTT = b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n"


def load_document() -> dict:
    for candidate in DOCUMENTS:
        if candidate.exists():
            return yaml.safe_load(candidate.read_text())
    pytest.skip("bunny's published document is not beside the repository (../shared/reference)")


def json_schema(schema: dict, components: dict) -> dict:
    """OpenAPI 3.0 → JSON Schema, strict: every documented property required, null only where nullable."""
    if "$ref" in schema:
        return json_schema(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    out: dict = {}
    for key in ("allOf", "oneOf", "anyOf"):
        if key in schema:
            out[key] = [json_schema(item, components) for item in schema[key]]
    if schema.get("nullable") and "oneOf" in out:
        out = {"anyOf": [*out.pop("oneOf"), {"type": "null"}], **out}
    if "type" in schema:
        out["type"] = [schema["type"], "null"] if schema.get("nullable") else schema["type"]
    if "enum" in schema:
        out["enum"] = [*schema["enum"], *([None] if schema.get("nullable") else [])]
    if "properties" in schema:
        out["properties"] = {name: json_schema(value, components) for name, value in schema["properties"].items()}
        out["required"] = sorted(schema["properties"])
    if "items" in schema:
        out["items"] = json_schema(schema["items"], components)
    if isinstance(schema.get("additionalProperties"), dict):
        out["additionalProperties"] = json_schema(schema["additionalProperties"], components)
    return out


def jpeg(tmp: Path) -> bytes:
    path = tmp / "thumb.jpg"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=blue:size=64x36", "-frames:v", "1", str(path)],
        check=True,
        timeout=60,
    )
    return path.read_bytes()


@pytest.fixture
def world(bunny, library_keys, clip, tmp_path, settings):
    """A library with an encoded video, a second one to delete, an empty one to upload into, collections."""
    settings.PUBLIC_BASE_URL = "http://testserver"
    lib = library_keys.id
    source = clip("document.mp4", size="320x180", duration=3)
    finished = create_video(bunny, lib, "Finished")
    upload(bunny, lib, finished, source)
    run_burst()
    assert bunny.get(f"/library/{lib}/videos/{finished}").json()["status"] == 4
    collections = [str(Collection.objects.create(library=library_keys.library, name=n).guid) for n in ("A", "B")]
    return {
        "lib": lib,
        "finished": finished,
        "doomed": create_video(bunny, lib, "Doomed"),
        "empty": create_video(bunny, lib, "Empty"),
        "collection": collections[0],
        "doomed_collection": collections[1],
        "source": source.read_bytes(),
        "jpeg": jpeg(tmp_path),
    }


def requests(w: dict) -> dict[tuple[str, str], dict]:
    """How our client calls each documented operation: (method, path) → path values, query, body."""
    lib, video = w["lib"], w["finished"]
    v = {"libraryId": lib, "videoId": video}
    return {
        ("get", "/library/{libraryId}/collections/{collectionId}"): {
            "path": {**v, "collectionId": w["collection"]},
            "query": {"includeThumbnails": "true"},
        },
        ("post", "/library/{libraryId}/collections/{collectionId}"): {
            "path": {**v, "collectionId": w["collection"]},
            "json": {"name": "Renamed"},
        },
        ("delete", "/library/{libraryId}/collections/{collectionId}"): {
            "path": {**v, "collectionId": w["doomed_collection"]}
        },
        ("get", "/library/{libraryId}/collections"): {"path": v, "query": {"page": 1, "itemsPerPage": 10}},
        ("post", "/library/{libraryId}/collections"): {"path": v, "json": {"name": "New"}},
        ("get", "/library/{libraryId}/videos/{videoId}"): {"path": v},
        ("post", "/library/{libraryId}/videos/{videoId}"): {"path": v, "json": {"title": "Renamed"}},
        ("delete", "/library/{libraryId}/videos/{videoId}"): {"path": {**v, "videoId": w["doomed"]}},
        ("put", "/library/{libraryId}/videos/{videoId}"): {
            "path": {**v, "videoId": w["empty"]},
            "query": {"enabledResolutions": "240p", "enabledOutputCodecs": "x264"},
            "bytes": w["source"],
        },
        ("get", "/library/{libraryId}/videos/{videoId}/heatmap"): {"path": v},
        ("get", "/library/{libraryId}/videos/{videoId}/play"): {"path": v, "anonymous": True},
        ("get", "/library/{libraryId}/statistics"): {"path": v, "query": {"hourly": "false", "videoGuid": video}},
        ("post", "/library/{libraryId}/videos/{videoId}/reencode"): {"path": v},
        ("put", "/library/{libraryId}/videos/{videoId}/outputs/{outputCodecId}"): {"path": {**v, "outputCodecId": 1}},
        ("post", "/library/{libraryId}/videos/{videoId}/repackage"): {
            "path": v,
            "query": {"keepOriginalFiles": "true"},
        },
        ("get", "/library/{libraryId}/videos"): {"path": v, "query": {"search": "Fin", "orderBy": "date"}},
        ("post", "/library/{libraryId}/videos"): {"path": v, "json": {"title": "Created", "thumbnailTime": 1000}},
        ("post", "/library/{libraryId}/videos/{videoId}/thumbnail"): {"path": v, "bytes": w["jpeg"]},
        ("post", "/library/{libraryId}/videos/fetch"): {
            "path": v,
            "json": {"url": "https://example.com/clip.mp4", "title": "Fetched"},
        },
        ("post", "/library/{libraryId}/videos/{videoId}/captions/{srclang}"): {
            "path": {**v, "srclang": "fr"},
            "json": {"srclang": "fr", "label": "French", "captionsFile": base64.b64encode(VTT).decode()},
        },
        ("delete", "/library/{libraryId}/videos/{videoId}/captions/{srclang}"): {"path": {**v, "srclang": "fr"}},
        ("post", "/library/{libraryId}/videos/{videoId}/transcribe"): {
            "path": v,
            "query": {"language": "en"},
            "json": {"generateTitle": True, "sourceLanguage": "en"},
        },
        ("get", "/library/{libraryId}/videos/{videoId}/resolutions"): {"path": v},
        ("post", "/library/{libraryId}/videos/{videoId}/resolutions/cleanup"): {
            "path": v,
            "query": {"resolutionsToDelete": "240p", "dryRun": "true"},
        },
        ("get", "/OEmbed"): {
            "path": {},
            "query": {"url": f"http://testserver/embed/{lib}/{video}", "maxWidth": 320},
            "anonymous": True,
        },
    }


# Deletions last: the rest use what they delete.
def order(key: tuple[str, str]) -> int:
    return 1 if key[0] == "delete" else 0


def call(api, key: tuple[str, str], spec: dict, access_key: str):
    method, template = key
    path = template.format(**spec.get("path", {}))
    if spec.get("query"):
        path += "?" + "&".join(f"{k}={v}" for k, v in spec["query"].items())
    api.credentials() if spec.get("anonymous") else api.credentials(HTTP_ACCESSKEY=access_key)
    send = getattr(api, method)
    if "json" in spec:
        return send(path, spec["json"], format="json")
    if "bytes" in spec:
        return send(path, data=spec["bytes"], content_type="application/octet-stream")
    return send(path)


def test_every_operation_of_the_published_document_answers_as_documented(api, library_keys, world):
    document = load_document()
    components = document["components"]["schemas"]
    operations = [(m, p) for p, item in document["paths"].items() for m in METHODS if m in item]
    assert len(operations) == 25
    plan = requests(world)
    assert set(plan) == set(operations)  # the walk covers the whole document
    for key in sorted(operations, key=order):
        documented = document["paths"][key[1]][key[0]]["responses"]
        response = call(api, key, plan[key], library_keys.api_key)
        assert str(response.status_code) in documented, (key, response.status_code, response.content[:300])
        assert response.status_code == 200, (key, response.content[:300])
        schema = documented["200"].get("content", {}).get("application/json", {}).get("schema")
        if schema is not None:
            body = response.json()
            try:
                jsonschema.validate(body, json_schema(schema, components))
            except jsonschema.ValidationError as exc:
                pytest.fail(f"{key}: {exc.message} at {list(exc.absolute_path)}")


def test_the_operations_bunnys_current_document_adds(bunny, library_keys, world):
    lib, video = world["lib"], world["finished"]
    base = f"/library/{lib}/videos/{video}"
    smart = bunny.post(f"{base}/smart", {"generateTitle": True, "generateChapters": True}, format="json")
    assert smart.status_code == 200 and smart.json() == {"success": True, "message": "OK", "statusCode": 200}
    play = bunny.get(f"{base}/play/heatmap").json()
    assert play["video"]["guid"] == video and play["videoPlaylistUrl"].endswith(f"/{video}/playlist.m3u8")
    storage = bunny.get(f"{base}/storage").json()
    assert storage["success"] is True
    data = storage["data"]
    kinds = {"encoded", "thumbnails", "previews", "originals", "mp4Fallback", "miscellaneous", "calculatedAt"}
    assert set(data) == kinds
    assert data["originals"] > 0 and data["thumbnails"] > 0 and data["previews"] > 0
    assert {entry["codec"] for entry in data["encoded"].values()} == {"x264"}
    assert all(entry["size"] > 0 for entry in data["encoded"].values())

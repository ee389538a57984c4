"""One policy for request-named S3 locations, whichever dialect names them (vidinfra, the request
API, TPStreams): the same hostile endpoints are refused by each, before anything connects to
them, in each dialect's own 400; the platform's own S3_ENDPOINT_URL is accepted by each, although
it is a loopback address, and only that one."""

from __future__ import annotations

import socket
from urllib.parse import quote

import pytest

from media_platform.models import EncodingProcess
from tests.support.s3 import KEY, REGION, SECRET

pytestmark = pytest.mark.django_db

HOSTILE = [
    "http://169.254.169.254",  # link-local: where clouds serve instance credentials
    "http://10.0.0.5:9000",  # a private network
    "http://100.64.0.1",  # carrier-grade NAT
    "http://[::1]:9000",  # IPv6 loopback
    "http://0.0.0.0:{trap}",  # unspecified: reaches this host
    "http://127.0.0.1:{trap}",  # loopback
    "http://localhost:{trap}",  # a name for loopback
    "{own}",  # the platform's S3 server itself, but not named as the platform's endpoint
]


def s3_url(bucket: str, key: str, endpoint: str) -> str:
    query = f"access_key={KEY}&secret_key={SECRET}&region={REGION}&endpoint={quote(endpoint, safe='')}"
    return f"s3://{bucket}/{key}?{query}"


def send_vidinfra(api, library_keys, buckets, endpoint: str):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {library_keys.api_key}")
    location = {"type": "s3", "key": KEY, "secret": SECRET, "region": REGION, "endpoint": endpoint}
    body = {
        "source": {**location, "bucket": buckets.input, "path": "/video.mp4"},
        "format": [{"output": "thumbnail", "destination": {**location, "bucket": buckets.output, "path": "/out"}}],
    }
    response = api.post("/jobs", body, format="json")
    errors = response.json()["result"]["errors"] if response.status_code == 400 else []
    return response.status_code, {error["field"]: error["message"] for error in errors}


def send_slashed(api, library_keys, buckets, endpoint: str):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {library_keys.api_key}")
    body = {
        "service_id": library_keys.id,
        "source": s3_url(buckets.input, "video.mp4", endpoint),
        "jobs": [{"type": "screenshots", "quantity": 1, "destination": s3_url(buckets.output, "out/s.jpg", endpoint)}],
    }
    response = api.post("/request", body, format="json")
    details = response.json()["details"] if response.status_code == 400 else []
    return response.status_code, {item["name"]: " ".join(item["message"]) for item in details}


def send_tpstreams(api, library_keys, buckets, endpoint: str):
    api.credentials(HTTP_AUTHORIZATION=f"Token {library_keys.api_key}")
    body = {
        "input_path": s3_url(buckets.input, "video.mp4", endpoint),
        "output_path": s3_url(buckets.output, "out", endpoint),
        "resolutions": ["240p"],
    }
    response = api.post(f"/api/v1/{library_keys.id}/transcoding_jobs/", body, format="json")
    errors = response.json() if response.status_code == 400 else {}
    return response.status_code, {field: " ".join(messages) for field, messages in errors.items()}


# dialect → (send, the fields naming the source and the destination)
DIALECTS = {
    "vidinfra": (send_vidinfra, ["source", "format[0].destination"]),
    "slashed": (send_slashed, ["source", "jobs[0].destination"]),
    "tpstreams": (send_tpstreams, ["input_path", "output_path"]),
}


class Buckets:
    def __init__(self, s3, clip):
        self.input, self.output = s3.bucket(), s3.bucket()
        s3.client().upload_file(str(clip("s3-policy.mp4", size="160x90", duration=1)), self.input, "video.mp4")


@pytest.fixture
def buckets(s3, clip, settings):
    settings.SSRF_ALLOWLIST = []  # nothing private is allowed: the S3 server is reachable only as the platform's
    return Buckets(s3, clip)


@pytest.fixture
def trap():
    """A loopback port that counts who connects to it."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.setblocking(False)
        yield server


def connections(server: socket.socket) -> int:
    count = 0
    while True:
        try:
            server.accept()[0].close()
        except BlockingIOError:
            return count
        count += 1


@pytest.mark.parametrize("dialect", list(DIALECTS))
@pytest.mark.parametrize("endpoint", HOSTILE)
def test_a_hostile_endpoint_is_refused_by_every_dialect_before_any_connection(
    dialect, endpoint, api, library_keys, buckets, s3, trap, settings
):
    settings.S3_ENDPOINT_URL = None
    send, fields = DIALECTS[dialect]
    named = endpoint.format(trap=trap.getsockname()[1], own=s3.endpoint)
    status, errors = send(api, library_keys, buckets, named)
    assert status == 400, errors
    assert set(errors) == set(fields), errors
    assert all("private or reserved address" in message for message in errors.values()), errors
    assert connections(trap) == 0
    assert not EncodingProcess.objects.exists()


@pytest.mark.parametrize("dialect", list(DIALECTS))
@pytest.mark.parametrize("spelling", ["{own}", "{own}/"])
def test_the_platforms_own_endpoint_is_accepted_by_every_dialect(
    dialect, spelling, api, library_keys, buckets, s3, settings
):
    settings.S3_ENDPOINT_URL = s3.endpoint
    send, _ = DIALECTS[dialect]
    status, errors = send(api, library_keys, buckets, spelling.format(own=s3.endpoint))
    assert status in (200, 201), errors
    assert EncodingProcess.objects.get().dialect == dialect

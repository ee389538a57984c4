"""The vidinfra client side: the service's own example request, pointed at the test servers."""

from __future__ import annotations

import copy
import json
import re
import subprocess
from pathlib import Path

import pytest

SEED = Path(__file__).with_name("seed_request.jsonc")
SRT = b"1\n00:00:00,200 --> 00:00:00,900\nFirst line\n\n2\n00:00:01,000 --> 00:00:01,800\nSecond line\n"
# What the examples (and tests) name as buckets and endpoints: replaced by the test S3 server's.
PLACEHOLDER_BUCKETS = {"source_secret", "my_bucket", "source-bucket", "destination-bucket", "x"}
PLACEHOLDER_ENDPOINTS = {None, "https://source-url.com", "https://destination-url.com/", "https://s3.amazonaws.com"}
# The example's protection (placeholder keys, refused as such: test_create.py) and its 4K DASH,
# left out of the end-to-end run; test_protection.py runs each with real keys on a small ladder.
PROTECTED = [(1, "encryption"), (2, "cenc_drm"), (7, None)]
KEY, KEY_ID, IV = (
    "76a6c65c5ea762046bd749a2e632ccbb",
    "a7e61c373e219033c21091fa607bf3b8",
    "0123456789abcdef0123456789abcdef",
)


def load_seed() -> dict:
    """The service's example body as published: `//` comment lines (and the commas they strand) removed."""
    text = re.sub(r"^\s*//.*$", "", SEED.read_text(), flags=re.MULTILINE)
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", text))


def supported(body: dict) -> dict:
    """The example without its protection and DASH (see PROTECTED), and without its speech_to_text
    (the example's clip has no speech: test_speech.py runs it on one that has)."""
    body = copy.deepcopy(body)
    for index, name in PROTECTED:
        if name is not None:
            del body["format"][index][name]
    body["format"] = [f for f in body["format"] if f["output"] not in ("speech_to_text", "advanced_dash")]
    return body


@pytest.fixture
def vidinfra(api, library_keys):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {library_keys.api_key}")
    return api


@pytest.fixture
def assets(receiver, media_dir):
    """A logo image and a subtitle file served over HTTP by the receiver (SRT in a .txt, as the example's)."""
    logo = media_dir / "logo.png"
    if not logo.exists():
        command = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=red:size=32x16", "-frames:v", "1"]
        subprocess.run([*command, str(logo)], check=True, timeout=60)
    subtitles = media_dir / "sub.txt"
    subtitles.write_bytes(SRT)
    receiver.files.update({"/logo.png": logo, "/sub.txt": subtitles})
    return receiver


class Buckets:
    """The example's buckets, made fresh on the S3 test server, and the body pointed at them."""

    def __init__(self, s3, clip: Path):
        self.s3 = s3
        self.source, self.destination = s3.bucket(), s3.bucket()
        s3.client().upload_file(str(clip), self.source, "video.mp4")

    def point(self, body: dict, receiver=None) -> dict:
        """Placeholder buckets and endpoints (the examples', "x", none) → the test server's; what a test
        set on purpose stays."""
        body = copy.deepcopy(body)
        host = self.s3.endpoint.split("://", 1)[1]
        source = body.get("source")
        if isinstance(source, dict):
            # The source names its endpoint without a scheme: use_tls false makes it http://.
            self._place(source, self.source, host)
        for fmt in body.get("format") or []:
            if isinstance(fmt, dict) and isinstance(fmt.get("destination"), dict):
                self._place(fmt["destination"], self.destination, self.s3.endpoint + "/")
            if receiver is not None and isinstance(fmt, dict):
                if "logo" in fmt:
                    fmt["logo"]["source"] = f"{receiver.url}/logo.png"
                for item in (fmt.get("subtitles") or {}).get("sources", []):
                    item["source"] = f"{receiver.url}/sub.txt"
        if receiver is not None and body.get("webhook_config"):
            body["webhook_config"]["url"] = f"{receiver.url}/notify"
        return body

    @staticmethod
    def _place(location: dict, bucket: str, endpoint: str) -> None:
        if location.get("bucket") in PLACEHOLDER_BUCKETS:
            location["bucket"] = bucket
        if location.get("endpoint") in PLACEHOLDER_ENDPOINTS:
            location.update(endpoint=endpoint, use_tls=False)


@pytest.fixture
def buckets(s3, clip):
    return Buckets(s3, clip("vidinfra-source.mp4", size="320x180", duration=2, rate=25))

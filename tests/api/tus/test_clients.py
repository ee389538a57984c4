"""Real tus clients against a real server (gunicorn, an RQ worker, Redis; bench/stack.py):
tuspy from PyPI with the web server killed and restarted half-way, and tus-js-client's Node
build with its connection cut half-way. Both sign as bunny's documentation says; both resume;
the stored original has the source's SHA-256 and is encoded to the end."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
from tusclient.client import TusClient

from bench.stack import ROOT, start_stack, wait_port
from tests.support.media import make_clip
from tests.support.processes import kill_tree
from tests.support.proxy import CuttingProxy
from tests.support.tus import presigned_headers

pytestmark = pytest.mark.slow
NODE_MODULES = ROOT / "var" / "npm" / "node_modules"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tus-stack")
    env = {name.upper() + "_ROOT": str(folder / name) for name in ("media", "static")}
    stack = start_stack(workers=1, extra_env={**env, "WORK_DIR": str(folder / "work"), "ENCODER_PRESET": "ultrafast"})
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    # a few hundred kB, so that half-way is well inside one PATCH
    path = tmp_path_factory.mktemp("tus-source") / "source.mp4"
    return make_clip(path, size="640x360", duration=3, extra=["-qp", "12"])


def stored_original(stack, guid: str) -> bytes:
    """The one file the platform keeps as the video's original (parts and segments are gone)."""
    folder = Path(stack.env["MEDIA_ROOT"]) / "originals" / str(stack.library["id"]) / guid
    files = [path for path in folder.iterdir() if path.is_file()]
    assert len(files) == 1, files
    return files[0].read_bytes()


def restart_web(stack) -> None:
    """SIGKILL gunicorn and its workers mid-upload, as a crash would; start it again."""
    web = next(child for child in stack.children if "gunicorn" in " ".join(map(str, child.args)))
    kill_tree(web.pid)
    web.wait()
    stack.children.remove(web)
    stack.spawn(list(web.args))
    wait_port(stack.web_port)
    deadline = time.time() + 60
    while time.time() < deadline:  # listening is not serving: wait for a worker to answer
        try:
            if requests.options(f"{stack.base}/tusupload", timeout=30).status_code == 204:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise TimeoutError("the web server did not come back")


@pytest.mark.servers
def test_tuspy_resumes_after_the_web_server_restarts(stack, source):
    guid = stack.create_video("before")
    headers = presigned_headers(stack.library["id"], stack.library["apiKey"], guid)
    client = TusClient(f"{stack.base}/tusupload", headers=headers)
    size = source.stat().st_size
    chunk = size // 6 + 1
    uploader = client.uploader(
        str(source), chunk_size=chunk, metadata={"filetype": "video/mp4", "title": "From tuspy"}, retries=3
    )

    # when half the file is up and the web server dies
    uploader.upload(stop_at=size // 2)
    sent = uploader.offset
    restart_web(stack)

    # then a new client for the same URL learns where it stands and sends the rest
    resumed = client.uploader(str(source), url=uploader.url, chunk_size=chunk, retries=3, retry_delay=1)
    assert resumed.offset == sent and 0 < sent < size
    resumed.upload()

    video = stack.wait_finished(guid, timeout=240)
    assert video["status"] == 4 and video["title"] == "From tuspy"
    assert video["originalHash"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert stored_original(stack, guid) == source.read_bytes()


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed (make setup)")
def test_tus_js_client_resumes_after_its_connection_is_cut(stack, source):
    if not (NODE_MODULES / "tus-js-client").exists():
        pytest.skip("tus-js-client is not installed (make vendor)")
    guid = stack.create_video("before")
    headers = presigned_headers(stack.library["id"], stack.library["apiKey"], guid)
    metadata = {"filetype": "video/mp4", "title": "From tus-js-client"}
    proxy = CuttingProxy(stack.web_port, cut_after=source.stat().st_size // 2)
    try:
        result = subprocess.run(
            ["node", str(ROOT / "tests/support/tus_upload.cjs"), f"http://127.0.0.1:{proxy.port}/tusupload",
             str(source), json.dumps(headers), json.dumps(metadata)],
            env={**os.environ, "NODE_PATH": str(NODE_MODULES)}, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        proxy.close()
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0, (events, result.stderr)
    assert proxy.cut.is_set() and "done" in events[-1]

    # it asked where it stood and sent only the rest, from where the cut left it
    requests = [(e["method"], e["offset"]) for e in events if "method" in e]
    resumed_at = [int(offset) for method, offset in requests if method == "PATCH" and offset != "0"]
    assert requests[0] == ("POST", None) and ("HEAD", None) in requests
    assert resumed_at and 0 < resumed_at[0] < source.stat().st_size

    video = stack.wait_finished(guid, timeout=240)
    assert video["status"] == 4 and video["title"] == "From tus-js-client"
    assert video["originalHash"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert stored_original(stack, guid) == source.read_bytes()

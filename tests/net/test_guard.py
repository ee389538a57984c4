"""The SSRF guard: which addresses may be called, the check before a request, and the check at the
socket that DNS answers and redirects cannot get round."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from media_platform.net import BlockedAddress, blocked_reason, guarded_session, is_allowed_address, url_host_problem

ADDRESSES = [
    # (address, may be called)
    ("93.184.216.34", True),
    ("8.8.8.8", True),
    ("2606:4700:4700::1111", True),
    ("::ffff:8.8.8.8", True),  # IPv4-mapped: judged as the IPv4 address
    ("10.1.2.3", False),
    ("172.16.0.1", False),
    ("192.168.1.1", False),
    ("127.0.0.1", False),
    ("127.8.8.8", False),
    ("::1", False),
    ("::ffff:127.0.0.1", False),
    ("169.254.169.254", False),  # link-local: cloud metadata
    ("fe80::1%eth0", False),  # link-local with a zone
    ("fc00::1", False),  # unique local
    ("100.64.0.1", False),  # carrier-grade NAT
    ("0.0.0.0", False),
    ("::", False),
    ("224.0.0.1", False),  # multicast
    ("240.0.0.1", False),  # reserved
]


@pytest.mark.parametrize(("address", "allowed"), ADDRESSES)
def test_which_addresses_may_be_called(address, allowed, settings):
    settings.SSRF_ALLOWLIST = []
    assert is_allowed_address(address) is allowed


@pytest.mark.parametrize(
    ("allowlist", "address", "host", "allowed"),
    [
        (["10.0.0.0/8"], "10.9.9.9", "", True),
        (["10.0.0.0/8"], "192.168.1.1", "", False),
        (["127.0.0.1"], "127.0.0.1", "", True),
        (["127.0.0.1"], "127.0.0.2", "", False),  # a single address is a /32, not its neighbours
        (["minio.internal"], "10.0.0.7", "minio.internal", True),
        (["minio.internal"], "10.0.0.7", "MINIO.internal", True),
        (["minio.internal"], "10.0.0.7", "other.internal", False),
    ],
)
def test_the_allowlist_names_hosts_or_networks(allowlist, address, host, allowed):
    assert is_allowed_address(address, host, allowlist=allowlist) is allowed


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://93.184.216.34/video.mp4", None),
        ("http://127.0.0.1:9/x", "host 127.0.0.1 is a private or reserved address"),
        ("http://localhost/x", "host localhost is a private or reserved address"),
        ("http://[::1]:8080/", "host ::1 is a private or reserved address"),
        ("http://169.254.169.254/latest/meta-data", "host 169.254.169.254 is a private or reserved address"),
        ("http://no-such-host.invalid/", "host no-such-host.invalid does not resolve"),
        ("http:///no-host", "host (none) does not resolve"),
        ("http://[::1/", "host (none) does not resolve"),  # not a URL at all
        ("http://127.0.0.1:99999/", "host 127.0.0.1 does not resolve"),  # no such port
    ],
)
def test_the_check_before_a_request(url, problem, settings):
    settings.SSRF_ALLOWLIST = []
    assert url_host_problem(url) == problem


class _Handler(BaseHTTPRequestHandler):
    redirect_to = ""

    def do_GET(self):
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", self.redirect_to)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def url_of(server, path: str = "/", host: str = "127.0.0.1") -> str:
    return f"http://{host}:{server.server_address[1]}{path}"


def test_a_private_address_is_refused_before_anything_is_sent(server, settings):
    settings.SSRF_ALLOWLIST = []
    with guarded_session() as session, pytest.raises(requests.exceptions.ConnectionError) as caught:
        session.get(url_of(server), timeout=5)
    assert blocked_reason(caught.value) == "127.0.0.1 resolves to 127.0.0.1, a private or reserved address"


def test_an_allowlisted_address_is_called(server, settings):
    settings.SSRF_ALLOWLIST = ["127.0.0.1"]
    with guarded_session() as session:
        assert session.get(url_of(server), timeout=5).text == "ok"


def test_a_redirect_to_a_private_address_is_refused(server, settings):
    settings.SSRF_ALLOWLIST = ["127.0.0.1"]
    _Handler.redirect_to = url_of(server, host="127.0.0.2")  # loopback too, but not allowlisted
    with guarded_session() as session, pytest.raises(requests.exceptions.ConnectionError) as caught:
        session.get(url_of(server, "/redirect"), timeout=5)
    assert "127.0.0.2" in blocked_reason(caught.value)


def test_a_dns_answer_that_changes_after_the_check_is_caught_at_the_socket(server, settings, monkeypatch):
    """The name resolves to a public address when checked, to loopback when connected: the address
    actually connected to decides. (DNS is the outside edge: its answers are played here.)"""
    settings.SSRF_ALLOWLIST = []
    real = socket.getaddrinfo
    answers = iter(["93.184.216.34"])

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with guarded_session() as session, pytest.raises(requests.exceptions.ConnectionError) as caught:
        session.get(url_of(server, host="rebind.test"), timeout=5)
    assert blocked_reason(caught.value) == "rebind.test resolves to 127.0.0.1, a private or reserved address"


def test_blocked_reason_finds_the_cause_however_deeply_wrapped():
    inner = BlockedAddress("x resolves to 10.0.0.1, a private or reserved address")
    try:
        try:
            raise inner
        except BlockedAddress as exc:
            raise requests.exceptions.ConnectionError(OSError("pool")) from exc
    except requests.exceptions.ConnectionError as outer:
        assert blocked_reason(outer) == str(inner)
    assert blocked_reason(requests.exceptions.ConnectionError("refused")) is None

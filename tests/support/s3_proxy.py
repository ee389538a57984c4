"""A real HTTP proxy in front of the tests' S3 server (moto), for two uses:

- recording: every request is passed on (bodies streamed, Host header and all, so signatures still
  match) and recorded — when it started and ended, how many were in flight — and some PUTs can be
  answered with S3's 503 SlowDown, as a busy S3 does;
- `public=True`: a second, public address for a private bucket, as a CDN or reverse proxy would be:
  presigned requests are passed on, anonymous ones refused with 403 (which moto itself would serve),
  so a test can tell that viewers came through it (`served`) and were never sent unsigned (`refused`).
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SLOW_DOWN = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
)
# Not passed on either way: they describe one connection, or the body the proxy re-frames itself.
REQUEST_SKIPPED = {"expect", "connection", "keep-alive", "te", "trailer", "upgrade"}
RESPONSE_SKIPPED = {"content-length", "transfer-encoding", "connection", "keep-alive", "date", "server"}


@dataclass
class Call:
    method: str
    path: str
    size: int
    started: float
    ended: float = 0.0
    status: int = 0
    forwarded: bool = False  # S3 answered it (not refused, not a made-up SlowDown)


@dataclass
class S3Proxy:
    server: ThreadingHTTPServer
    upstream_port: int
    public: bool = False  # refuse requests without a signature, as a private bucket's public address
    calls: list[Call] = field(default_factory=list)
    fail_every: int = 0  # answer every n-th PUT (counting from the first) with 503 SlowDown; 0: never
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def endpoint(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def puts(self) -> list[Call]:
        return [call for call in self.calls if call.method == "PUT" and call.ended]

    @property
    def served(self) -> list[str]:
        """The object paths (no query) of the requests S3 answered through this proxy."""
        return [urlsplit(call.path).path for call in self.calls if call.ended and call.forwarded]

    @property
    def refused(self) -> list[str]:
        """The requests refused for carrying no signature (public proxies only)."""
        return [call.path for call in self.calls if call.ended and call.status == 403 and not call.forwarded]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def signed(path: str, headers) -> bool:
    query = parse_qs(urlsplit(path).query)
    return "X-Amz-Signature" in query or "Signature" in query or "Authorization" in headers


def start_s3_proxy(upstream_port: int, *, public: bool = False) -> S3Proxy:
    proxy: S3Proxy

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive and `Expect: 100-continue`, as botocore uses them

        def log_message(self, *args):
            pass

        def _forward(self):
            call = Call(self.command, self.path, int(self.headers.get("Content-Length") or 0), time.monotonic())
            with proxy.lock:
                proxy.calls.append(call)
                puts = sum(1 for c in proxy.calls if c.method == "PUT")
                proxy.in_flight += 1
                proxy.most_in_flight = max(proxy.most_in_flight, proxy.in_flight)
            status = 0  # if S3 cannot be reached, the call ends unanswered
            try:
                # a CORS preflight carries no signature: S3 answers it anyway
                if proxy.public and self.command != "OPTIONS" and not signed(self.path, self.headers):
                    self.rfile.read(call.size)
                    status, headers, data = 403, [("Content-Type", "text/plain")], b"anonymous access refused"
                elif self.command == "PUT" and proxy.fail_every and puts % proxy.fail_every == 0:
                    self.rfile.read(call.size)
                    status, headers, data = 503, [("Content-Type", "application/xml")], SLOW_DOWN
                else:
                    status, headers, data = self._upstream(call.size)
                    call.forwarded = True
                self._answer(status, headers, data)
            finally:
                with proxy.lock:
                    proxy.in_flight -= 1
                call.ended, call.status = time.monotonic(), status

        def _answer(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
            self.send_response(status)
            for name, value in headers:
                if name.lower() not in RESPONSE_SKIPPED:
                    self.send_header(name, value)
            # a HEAD's length is the object's, not that of the (empty) body read here
            length = dict((k.lower(), v) for k, v in headers).get("content-length") if self.command == "HEAD" else None
            self.send_header("Content-Length", length or str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _upstream(self, size: int):
            """Streams the body on in 64 KiB pieces: the proxy holds no file in memory."""
            connection = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=60)
            try:
                connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    if name.lower() not in REQUEST_SKIPPED:
                        connection.putheader(name, value)
                connection.endheaders()
                while size > 0:
                    piece = self.rfile.read(min(size, 64 * 1024))
                    if not piece:
                        break
                    connection.send(piece)
                    size -= len(piece)
                response = connection.getresponse()
                return response.status, response.getheaders(), response.read()
            finally:
                connection.close()

        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_OPTIONS = _forward

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    proxy = S3Proxy(server, upstream_port, public=public)
    threading.Thread(target=server.serve_forever, name="s3-proxy", daemon=True).start()
    return proxy

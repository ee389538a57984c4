"""A second, public address for the tests' S3 server, as a CDN or reverse proxy in front of a
private bucket would be: it forwards presigned requests (Host header and all, so the signature still
matches) and refuses anonymous ones with 403, which moto itself would serve. It counts what it
served, so a test can tell that viewers came through it."""

from __future__ import annotations

import http.client
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


@dataclass
class PublicS3:
    server: ThreadingHTTPServer
    served: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def signed(path: str, headers) -> bool:
    query = parse_qs(urlsplit(path).query)
    return "X-Amz-Signature" in query or "Signature" in query or "Authorization" in headers


def start_public_s3(internal_port: int) -> PublicS3:
    public: PublicS3

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            self.forward()

        def do_HEAD(self):
            self.forward()

        def do_OPTIONS(self):  # CORS preflight: S3 answers it without a signature
            self.forward()

        def forward(self) -> None:
            if self.command != "OPTIONS" and not signed(self.path, self.headers):
                public.refused.append(self.path)
                self.send_error(403, "anonymous access to a private bucket")
                return
            upstream = http.client.HTTPConnection("127.0.0.1", internal_port, timeout=30)
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                upstream.request(self.command, self.path, headers=headers)
                response = upstream.getresponse()
                body = response.read()
            finally:
                upstream.close()
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP | {"content-length"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            public.served.append(urlsplit(self.path).path)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    public = PublicS3(server)
    threading.Thread(target=server.serve_forever, name="public-s3", daemon=True).start()
    return public

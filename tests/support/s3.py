"""A real S3-compatible HTTP server for the tests: moto in server mode, on a free loopback port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

import boto3

from tests.environment import free_port

KEY, SECRET, REGION = "test-access-key", "test-secret-key", "us-east-1"


@dataclass
class S3Server:
    process: subprocess.Popen | None
    port: int

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self):
        return boto3.client(
            "s3", endpoint_url=self.endpoint, aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name=REGION
        )

    def bucket(self) -> str:
        name = f"b-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def start(self) -> None:
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("moto server did not start")


def start_s3() -> S3Server:
    server = S3Server(None, free_port())
    server.start()
    return server


def storage_setting(server: S3Server, bucket: str) -> dict:
    """settings.STORAGES["default"] for the platform's own storage in `bucket` of this server."""
    options = {"bucket_name": bucket, "endpoint_url": server.endpoint, "access_key": KEY, "secret_key": SECRET}
    options.update(region_name=REGION, file_overwrite=True)
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}

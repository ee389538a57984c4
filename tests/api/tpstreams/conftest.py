"""A TPStreams client: `Authorization: Token <key>`, S3 paths in the service's form on the test S3 server."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import requests

from tests.support.s3 import KEY, REGION, SECRET

METADATA = {"client_id": "12345", "project": "marketing_campaign_2024"}


def s3_path(bucket: str, key: str, endpoint: str, *, access_key: str = KEY, secret_key: str = SECRET) -> str:
    """The service's form: s3://bucket/key/?access_key=…&secret_key=…&region=…, plus our endpoint."""
    return f"s3://{bucket}/{key}/?access_key={access_key}&secret_key={secret_key}&region={REGION}&endpoint={endpoint}"


def jobs_url(organization_id) -> str:
    return f"/api/v1/{organization_id}/transcoding_jobs/"


@pytest.fixture
def tp(api, library_keys):
    api.credentials(HTTP_AUTHORIZATION=f"Token {library_keys.api_key}")
    return api


@dataclass
class Buckets:
    input: str
    output: str
    endpoint: str

    def input_path(self, key: str = "video.mp4", **credentials) -> str:
        return s3_path(self.input, key, self.endpoint, **credentials)

    def output_path(self, key: str = "path", **credentials) -> str:
        return s3_path(self.output, key, self.endpoint, **credentials)


@pytest.fixture
def buckets(s3) -> Buckets:
    return Buckets(s3.bucket(), s3.bucket(), s3.endpoint)


@pytest.fixture
def s3_input(s3, buckets, clip) -> Path:
    """A 640x360, 3 s clip at s3://<input bucket>/video.mp4."""
    source = clip("tp-source.mp4", size="640x360", duration=3)
    s3.client().upload_file(str(source), buckets.input, "video.mp4")
    return source


@pytest.fixture
def s3_auth(s3):
    """The S3 server checks signatures for this test: returns (access_key, secret_key) of a user allowed s3:*."""
    iam = boto3.client(
        "iam", endpoint_url=s3.endpoint, aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name=REGION
    )
    user = f"tp-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=user)
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam.put_user_policy(UserName=user, PolicyName="s3", PolicyDocument=json.dumps(policy))
    keys = iam.create_access_key(UserName=user)["AccessKey"]
    requests.post(f"{s3.endpoint}/moto-api/reset-auth", data=b"0", timeout=10).raise_for_status()
    try:
        yield keys["AccessKeyId"], keys["SecretAccessKey"]
    finally:
        requests.post(f"{s3.endpoint}/moto-api/reset-auth", data=b"inf", timeout=10).raise_for_status()

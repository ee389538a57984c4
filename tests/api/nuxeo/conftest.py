from __future__ import annotations

import base64

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

PASSWORD = "s3cret-Pa55word"
RECOMPUTE = "/api/v1/management/videos/recompute"
SAMPLE_QUERY = 'SELECT * FROM Document WHERE ecm:mixinType = "Video"'


def basic(username: str, password: str = PASSWORD) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Basic auth checks the password on every request; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("Administrator", password=PASSWORD, is_staff=True)


@pytest.fixture
def nuxeo(staff) -> APIClient:
    """A client speaking to the Nuxeo dialect as an administrator, with HTTP basic auth."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic(staff.username))
    return client


def post_form(client: APIClient, path: str, body: str):
    """A form-encoded POST, as `curl -d` sends it."""
    return client.post(path, data=body, content_type="application/x-www-form-urlencoded")

"""A NUL character in a path or query: no stored text holds one and PostgreSQL refuses one in
any query, so each dialect answers 400 in its own format, on both databases (not a 500)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_bunny_search_with_a_nul_is_a_400_in_bunnys_format(bunny, library_keys):
    response = bunny.get(f"/library/{library_keys.id}/videos?search=a%00b")
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and body["statusCode"] == 400 and "NUL" in body["message"]


def test_a_process_id_with_a_nul_in_the_path_is_a_400(api, library_keys):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {library_keys.api_key}")  # the request API's key
    response = api.get("/status/a%00b")
    assert response.status_code == 400 and "NUL" in response.content.decode()


def test_a_plain_search_still_lists(bunny, library_keys):
    assert bunny.get(f"/library/{library_keys.id}/videos?search=holiday").status_code == 200


def test_a_content_key_id_with_a_nul_is_not_found(client):
    assert client.get("/keys/a%00b.key").status_code == 404

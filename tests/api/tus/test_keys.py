"""The API key must be readable back to check presigned upload signatures, yet never sit in the clear."""

from __future__ import annotations

import pytest

from media_platform.models import Library
from media_platform.selectors.libraries import library_api_key
from media_platform.services.libraries import library_create, library_regenerate_keys

pytestmark = pytest.mark.django_db


def test_a_new_library_keeps_its_key_encrypted_and_readable():
    library, keys = library_create(name="Keys")
    stored = Library.objects.get(pk=library.pk)
    assert keys.api_key not in stored.api_key_encrypted
    assert library_api_key(stored) == keys.api_key


def test_regenerated_keys_replace_the_readable_key():
    library, first = library_create(name="Keys")
    second = library_regenerate_keys(library=library)
    assert library_api_key(Library.objects.get(pk=library.pk)) == second.api_key != first.api_key


def test_a_key_kept_only_as_a_hash_is_remembered_on_its_first_use(api):
    # given a library made before keys were kept encrypted
    library, keys = library_create(name="Old")
    Library.objects.filter(pk=library.pk).update(api_key_encrypted="")
    assert library_api_key(Library.objects.get(pk=library.pk)) is None

    # when its read-only key is used, nothing is learnt (it cannot sign uploads)
    api.get(f"/library/{library.pk}/videos", HTTP_ACCESSKEY=keys.read_only_api_key)
    assert library_api_key(Library.objects.get(pk=library.pk)) is None

    # when its API key is used once, for anything
    response = api.get(f"/library/{library.pk}/videos", HTTP_ACCESSKEY=keys.api_key)

    # then it is kept, encrypted
    assert response.status_code == 200
    stored = Library.objects.get(pk=library.pk)
    assert keys.api_key not in stored.api_key_encrypted and library_api_key(stored) == keys.api_key

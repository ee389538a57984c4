"""Libraries: keys shown once at creation and on regeneration, settings validated, counts annotated."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from media_platform.models import Library, Video
from media_platform.selectors.libraries import library_by_key
from media_platform.services.libraries import library_create

pytestmark = pytest.mark.django_db
ADD = reverse("admin:media_platform_library_add")


def form(**overrides) -> dict:
    data = {
        "name": "Newsroom",
        "webhook_url": "https://hooks.example.com/stream",
        "enabled_resolutions": ["360p", "720p"],
        "mp4_fallback": "on",
        "keep_original": "on",
        "max_concurrent_processes": 5,
        "requests_per_minute": 120,
    }
    data.update(overrides)
    return data


def opens(key: str) -> tuple[Library, bool] | None:
    """The library a key opens and whether it only reads; None when it opens none."""
    found = library_by_key(key)
    return None if found is None else (found.library, found.read_only)


def shown_keys(html: str) -> tuple[str, str]:
    api = re.search(r'class="mp-api-key"[^>]*>([^<]+)<', html).group(1)
    read_only = re.search(r'class="mp-read-only-key"[^>]*>([^<]+)<', html).group(1)
    return api, read_only


def test_creating_a_library_shows_its_keys_once(admin_client):
    response = admin_client.post(ADD, form())
    html = response.content.decode()

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    library = Library.objects.get(name="Newsroom")
    api_key, read_only_key = shown_keys(html)
    assert opens(api_key) == (library, False)
    assert opens(read_only_key) == (library, True)
    assert "Copy its keys now: they are shown once." in html
    assert library.enabled_resolutions == "360p,720p" and library.mp4_fallback
    assert library.max_concurrent_processes == 5 and library.requests_per_minute == 120
    assert library.webhook_url == "https://hooks.example.com/stream"

    # the keys are nowhere to be seen again
    change = admin_client.get(reverse("admin:media_platform_library_change", args=[library.pk])).content.decode()
    listing = admin_client.get(reverse("admin:media_platform_library_changelist")).content.decode()
    assert api_key not in change and api_key not in listing and read_only_key not in change
    assert f"…{api_key[-4:]}" in change and f"…{api_key[-4:]}" in listing


def test_resolutions_are_checked_against_the_ladder(admin_client):
    response = admin_client.post(ADD, form(enabled_resolutions=["720p", "999p"]))
    assert "Select a valid choice. 999p is not one of the available choices." in response.content.decode()
    response = admin_client.post(ADD, form(enabled_resolutions=[]))
    assert "This field is required." in response.content.decode()
    assert not Library.objects.filter(name="Newsroom").exists()


def test_editing_settings_keeps_the_keys(admin_client):
    library, keys = library_create(name="Edit me")
    url = reverse("admin:media_platform_library_change", args=[library.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="enabled_resolutions" value="1080p"' in page and "checked" in page
    response = admin_client.post(url, form(name="Edited", enabled_resolutions=["240p", "1080p"], mp4_fallback=""))
    assert response.status_code == 302
    library.refresh_from_db()
    assert library.name == "Edited" and library.enabled_resolutions == "240p,1080p" and not library.mp4_fallback
    assert opens(keys.api_key) == (library, False)


def test_regenerate_button_shows_new_keys_and_retires_the_old(admin_client):
    library, old = library_create(name="Rotate")
    response = admin_client.post(reverse("admin:media_platform_library_regenerate", args=[library.pk]))
    api_key, read_only_key = shown_keys(response.content.decode())
    assert "no-store" in response["Cache-Control"]
    assert opens(old.api_key) is None and opens(old.read_only_api_key) is None
    assert opens(api_key) == (library, False) and opens(read_only_key) == (library, True)
    assert admin_client.get(reverse("admin:media_platform_library_regenerate", args=[library.pk])).status_code == 405


def test_regenerate_action_over_several_libraries(admin_client):
    first, _ = library_create(name="First")
    second, _ = library_create(name="Second")
    response = admin_client.post(
        reverse("admin:media_platform_library_changelist"),
        {"action": "regenerate_keys", "index": 0, "_selected_action": [first.pk, second.pk]},
    )
    html = response.content.decode()
    assert html.count('class="mp-api-key"') == 2 and "New keys for 2 libraries" in html


def test_the_list_counts_videos_and_storage_without_n_plus_one(admin_client, django_assert_max_num_queries):
    libraries = [library_create(name=f"Lib {i}")[0] for i in range(30)]
    for library in libraries:
        Video.objects.bulk_create(Video(library=library, title="v", storage_size=1000) for _ in range(3))
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("admin:media_platform_library_changelist"))
    html = response.content.decode()
    assert response.context["cl"].result_list[0].video_count == 3
    assert 'title="3000 bytes">2.9\xa0KB</span>' in html

"""The advanced query box: filters the changelist, keeps filters and search, shows errors in place."""

from __future__ import annotations

from html import unescape
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from media_platform.status import VideoStatus

pytestmark = pytest.mark.django_db
URL = reverse("admin:media_platform_video_changelist")


def get(client, **params):
    response = client.get(f"{URL}?{urlencode(params)}")
    assert response.status_code == 200, response.status_code
    return response


def titles(response) -> list[str]:
    return [video.title for video in response.context["cl"].result_list]


@pytest.fixture
def videos(make_video):
    make_video("Launch day", status=VideoStatus.FINISHED, length=120)
    make_video("launch recap", status=VideoStatus.FINISHED, length=30)
    make_video("Broken upload", status=VideoStatus.UPLOAD_FAILED, length=0)


def test_a_query_filters_the_list_and_can_order_it(admin_client, videos):
    assert titles(get(admin_client, query="title LIKE 'launch%'")) == ["launch recap"]
    response = get(admin_client, query="title ILIKE 'launch%' ORDER BY length DESC")
    assert titles(response) == ["Launch day", "launch recap"]
    response = get(admin_client, query="status = 'finished' ORDER BY length")
    assert titles(response) == ["launch recap", "Launch day"]
    html = response.content.decode()
    assert "2 videos match the query." in html
    assert 'value="status = &#x27;finished&#x27; ORDER BY length"' in html


def test_the_query_combines_with_filters_and_search_and_survives_their_links(admin_client, videos):
    response = get(admin_client, query="length > 10", q="recap")
    assert titles(response) == ["launch recap"]
    html = unescape(response.content.decode())
    # the search form and the filter links carry the query along
    assert '<input type="hidden" name="query" value="length > 10">' in html
    assert "query=length+%3E+10" in response.content.decode()
    # and the query form carries the search along
    assert '<input type="hidden" name="q" value="recap">' in html


def test_a_bad_query_shows_the_message_with_a_caret_and_no_rows(admin_client, videos):
    text = "status = 'finished' AND title ="
    response = get(admin_client, query=text)
    html = response.content.decode()
    assert titles(response) == []
    assert 'id="mp-query-error"' in html and 'aria-invalid="true"' in html
    assert "Expected a value after &#x27;=&#x27; at position 31" in html
    # the caret sits under the position the parser reported
    pre = unescape(html.split('<pre class="mp-query-caret"><code>')[1].split("</code></pre>")[0])
    line, caret = pre.split("\n")
    caret = caret.replace('<span class="mp-caret">', "").replace("</span>", "")
    assert line == text and caret == " " * 31 + "^"


@pytest.mark.parametrize(
    "text",
    [
        "title = 'unterminated",
        "nosuchfield = 1",
        "status = 'purple'",
        "length > 'abc'",
        "guid = 'not-a-uuid'",
        "dateUploaded > DATE 'yesterday'",
        "((((",
        "ORDER BY",
        "title IN ()",
        "length > 99999999999999999999999999",
        "SELECT * FROM Document WHERE",
        "'; DROP TABLE media_platform_video; --",
        "title LIKE '%" + "a" * 5000 + "'",
        "\x00",
        "a\nb = ",
    ],
)
def test_no_query_is_a_server_error(admin_client, videos, text):
    response = get(admin_client, query=text)
    html = response.content.decode()
    assert 'id="mp-query-error"' in html or "match" in html


def test_an_empty_query_is_no_filter(admin_client, videos):
    assert len(titles(get(admin_client, query="   "))) == 3

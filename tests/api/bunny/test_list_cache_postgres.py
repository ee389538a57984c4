"""The kept video-list pages on PostgreSQL, where the change count is kept by deferred triggers: two
gunicorn workers, each with its own kept pages, and changes written behind the API's back (raw SQL,
as any other process might) seen by the next request, whichever worker answers it."""

from __future__ import annotations

import psycopg
import pytest
import requests

from bench.stack import start_stack
from tests.support.postgres import start_postgres

pytestmark = [pytest.mark.servers, pytest.mark.slow]


@pytest.fixture
def platform():
    postgres = start_postgres()
    stack = start_stack(workers=0, web_workers=2, extra_env={"DATABASE_URL": postgres.url})
    yield stack, postgres
    stack.stop()
    postgres.stop()


def test_changes_written_anywhere_are_seen_by_the_next_list_request(platform):
    stack, postgres = platform
    url = f"{stack.base}/library/{stack.library['id']}/videos?itemsPerPage=10&orderBy=title"
    assert requests.get(f"{stack.base}/healthz", timeout=120).status_code == 200
    guids = [stack.create_video(f"Clip {n}") for n in range(3)]

    def listed() -> dict:
        pages = [requests.get(url, headers=stack.headers, timeout=10).json() for _ in range(6)]  # both workers
        assert all(page == pages[0] for page in pages)
        return pages[0]

    def write(sql: str, *args) -> None:
        with psycopg.connect(postgres.url, autocommit=True) as connection:
            connection.execute(sql, args)

    first = listed()
    assert [item["title"] for item in first["items"]] == ["Clip 0", "Clip 1", "Clip 2"]

    write("UPDATE media_platform_video SET encode_progress = 42 WHERE guid = %s", guids[0])
    assert listed()["items"][0]["encodeProgress"] == 42

    caption = "SELECT id, 'en', 'English', 1, 'en.vtt', now() FROM media_platform_video WHERE guid = %s"
    write(f"INSERT INTO media_platform_caption (video_id, srclang, label, version, file_name, created_at) {caption}",
          guids[1])  # fmt: skip
    assert listed()["items"][1]["captions"] == [{"srclang": "en", "label": "English", "version": 1}]

    write("INSERT INTO media_platform_transcodingmessage (video_id, time_stamp, level, issue_code, message) "
          "SELECT id, now(), 1, 0, 'Heads up' FROM media_platform_video WHERE guid = %s", guids[2])  # fmt: skip
    assert listed()["items"][2]["transcodingMessages"][0]["message"] == "Heads up"

    # a transaction's change counts when it commits, not before
    with psycopg.connect(postgres.url) as connection:
        connection.execute("UPDATE media_platform_video SET title = 'Zed' WHERE guid = %s", (guids[0],))
        assert listed()["items"][0]["title"] == "Clip 0"
        connection.commit()
    assert [item["title"] for item in listed()["items"]] == ["Clip 1", "Clip 2", "Zed"]

    write("DELETE FROM media_platform_video WHERE guid = %s", guids[0])
    after = listed()
    assert after["totalItems"] == 2 and [item["title"] for item in after["items"]] == ["Clip 1", "Clip 2"]

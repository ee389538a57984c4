"""The throwaway PostgreSQL server that tests and benchmarks start for themselves."""

import psycopg
import pytest

from tests.support.postgres import start_postgres


@pytest.mark.servers
def test_a_throwaway_postgres_server_serves_sql_and_is_gone_after_stop():
    server = start_postgres()
    try:
        with psycopg.connect(server.url) as connection:
            assert connection.execute("select 6 * 7").fetchone() == (42,)
            assert connection.execute("show fsync").fetchone() == ("off",)
    finally:
        server.stop()
    assert not server.folder.exists()

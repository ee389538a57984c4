"""Input that looks like SQL is a string literal or a clean, positioned syntax error — never SQL."""

import pytest
from django.db import connection

from media_platform.models import Library, Video
from media_platform.query.compile import compile_query, filter_videos
from media_platform.query.errors import QuerySyntaxError

DROP = "'; DROP TABLE media_platform_video; --"


@pytest.mark.parametrize(
    "text, position, wording",
    [
        (DROP, 0, "Unterminated string: expected a closing ' for the string that starts at position 0"),
        (DROP + "'", 0, "Expected a field name at position 0, but found the string"),
        ("1=1 --", 0, "Expected a field name at position 0, but found the number 1"),
        ("title = '' OR 1=1", 14, "Expected a field name at position 14, but found the number 1"),
        ("title = '' OR '1'='1'", 14, "Expected a field name at position 14, but found the string '1'"),
        ("title = 'a' --", 12, "Expected AND, OR, ORDER BY or the end of the query at position 12, but found '-'"),
        ("title = 'a'; DELETE FROM media_platform_video", 11, "Unexpected character ';' at position 11"),
        ("title = 'a' /* x */", 12, "Unexpected character '/' at position 12"),
        ("title = 'a' UNION SELECT * FROM auth_user", 12, "Expected AND, OR, ORDER BY or the end of the query"),
        ("title = 'a'' OR ''1''=''1", 8, "Unterminated string"),
        ("title = 'x' ORDER BY title; DROP TABLE x", 26, "Unexpected character ';'"),
        ("status = 5 ORDER BY (SELECT 1)", 20, "Expected a field name to sort by at position 20"),
        # ORM paths beyond the allow-list are unknown fields, not lookups
        ("library__api_key_hash = 'x'", 0, "Unknown field 'library__api_key_hash' at position 0"),
        ("title__regex = '.*'", 0, "Unknown field 'title__regex'"),
        ("pk = 1", 0, "Unknown field 'pk'"),
        ("ORDER BY library__api_key_hash", 9, "Unknown field 'library__api_key_hash' at position 9"),
    ],
)
def test_sql_looking_input_is_a_clean_error(text, position, wording):
    with pytest.raises(QuerySyntaxError) as caught:
        compile_query(text)
    assert caught.value.position == position
    assert wording in caught.value.message


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, value",
    [
        ("title = '''; DROP TABLE media_platform_video; --'", DROP),
        ('title = "x\\" OR 1=1 --"', 'x" OR 1=1 --'),
        ("title LIKE '%'' OR ''1''=''1'", "%' OR '1'='1"),
        ("title ILIKE '(a+)+$'", "(a+)+$"),
        ("description = 'Robert''); DROP TABLE students;--'", "Robert'); DROP TABLE students;--"),
    ],
)
def test_sql_inside_a_string_stays_a_parameter(make_video, text, value):
    # given a video whose title is the very string, and one that is not
    target = make_video(title=value.replace("%", ""), description=value)
    make_video(title="innocent", description="innocent")
    queryset = filter_videos(Video.objects.all(), text)
    # when the query runs, the value travels as a parameter, not as SQL text
    sql, params = queryset.query.sql_with_params()
    assert params
    assert value.strip("%") not in sql and "DROP" not in sql and "OR 1" not in sql
    # then it selects by exact text and the tables are all still there
    assert list(queryset) == [target]
    assert Video.objects.count() == 2
    assert Library.objects.count() == 1
    assert "media_platform_video" in connection.introspection.table_names()


@pytest.mark.django_db
def test_an_injection_title_is_found_by_equality(make_video):
    target = make_video(title=DROP)
    make_video(title="other")
    assert list(filter_videos(Video.objects.all(), "title = '''; DROP TABLE media_platform_video; --'")) == [target]
    assert list(filter_videos(Video.objects.all(), "dc:title LIKE '%DROP TABLE%'")) == [target]

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from media_platform.query import DEFAULT_QUERY, parse
from media_platform.query.ast import (
    And,
    Between,
    Comparison,
    FieldRef,
    In,
    IsNull,
    Like,
    Literal,
    Not,
    Or,
    OrderItem,
    Query,
)
from media_platform.query.errors import QuerySyntaxError
from media_platform.query.parser import parse_syntax


def f(name: str) -> FieldRef:
    return FieldRef(name)


def s(value: str) -> Literal:
    return Literal("string", value)


def i(value: int) -> Literal:
    return Literal("integer", value)


def eq(name: str, literal: Literal) -> Comparison:
    return Comparison(f(name), "=", literal)


STATUS_5 = eq("status", i(5))
TITLE_A = eq("title", s("a"))
WIDTH_1 = eq("width", i(1))


@pytest.mark.parametrize(
    "text, where",
    [
        # every comparison operator; != reads as <>
        ("status = 5", STATUS_5),
        ("status <> 5", Comparison(f("status"), "<>", i(5))),
        ("status != 5", Comparison(f("status"), "<>", i(5))),
        ("length < 10", Comparison(f("length"), "<", i(10))),
        ("length <= 10", Comparison(f("length"), "<=", i(10))),
        ("length > 10", Comparison(f("length"), ">", i(10))),
        ("length >= 10", Comparison(f("length"), ">=", i(10))),
        # LIKE family
        ("title LIKE '%launch%'", Like(f("title"), s("%launch%"))),
        ("title like '%launch%'", Like(f("title"), s("%launch%"))),
        ("title ILIKE 'a_'", Like(f("title"), s("a_"), case_insensitive=True)),
        ("title NOT LIKE 'a%'", Like(f("title"), s("a%"), negated=True)),
        ("title NOT ILIKE 'a%'", Like(f("title"), s("a%"), negated=True, case_insensitive=True)),
        # IN, BETWEEN, IS NULL
        ("status IN (4, 5)", In(f("status"), (i(4), i(5)))),
        ("status NOT IN (4)", In(f("status"), (i(4),), negated=True)),
        ("length BETWEEN 1 AND 10", Between(f("length"), i(1), i(10))),
        ("length NOT BETWEEN 1 AND 10", Between(f("length"), i(1), i(10), negated=True)),
        ("description IS NULL", IsNull(f("description"))),
        ("description is not null", IsNull(f("description"), negated=True)),
        # literals
        ('ecm:mixinType = "Video"', eq("ecm:mixinType", s("Video"))),
        ("title = 'it''s'", eq("title", s("it's"))),
        (r"title = 'it\'s'", eq("title", s("it's"))),
        ("framerate = 29.97", eq("framerate", Literal("decimal", Decimal("29.97")))),
        ("rotation = -90", eq("rotation", i(-90))),
        ("framerate > -0.5", Comparison(f("framerate"), ">", Literal("decimal", Decimal("-0.5")))),
        ("isPublic = TRUE", eq("isPublic", Literal("boolean", True))),
        ("isPublic = false", eq("isPublic", Literal("boolean", False))),
        ("dateUploaded = DATE '2026-01-01'", eq("dateUploaded", Literal("date", date(2026, 1, 1)))),
        (
            "dateUploaded > TIMESTAMP '2026-01-01T10:00:00'",
            Comparison(f("dateUploaded"), ">", Literal("timestamp", datetime(2026, 1, 1, 10, tzinfo=UTC))),
        ),
        (
            "dateUploaded > TIMESTAMP '2026-01-01 10:00:00Z'",
            Comparison(f("dateUploaded"), ">", Literal("timestamp", datetime(2026, 1, 1, 10, tzinfo=UTC))),
        ),
        (
            "dateUploaded > timestamp '2026-01-01T12:30:00+02:00'",
            Comparison(
                f("dateUploaded"),
                ">",
                Literal("timestamp", datetime(2026, 1, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))),
            ),
        ),
        # precedence: NOT > AND > OR, parentheses group
        ("status = 5 AND title = 'a' OR width = 1", Or((And((STATUS_5, TITLE_A)), WIDTH_1))),
        ("status = 5 OR title = 'a' AND width = 1", Or((STATUS_5, And((TITLE_A, WIDTH_1))))),
        ("(status = 5 OR title = 'a') AND width = 1", And((Or((STATUS_5, TITLE_A)), WIDTH_1))),
        ("NOT status = 5 AND title = 'a'", And((Not(STATUS_5), TITLE_A))),
        ("NOT (status = 5 AND title = 'a')", Not(And((STATUS_5, TITLE_A)))),
        ("NOT NOT status = 5", Not(Not(STATUS_5))),
        ("status = 5 AND title = 'a' AND width = 1", And((STATUS_5, TITLE_A, WIDTH_1))),
        ("length BETWEEN 1 AND 10 AND status = 5", And((Between(f("length"), i(1), i(10)), STATUS_5))),
        # the example, typed in the admin's query box
        ("status = 5 AND title LIKE '%launch%'", And((STATUS_5, Like(f("title"), s("%launch%"))))),
    ],
)
def test_expressions(text, where):
    assert parse(text) == Query(where=where)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("SELECT * FROM Video WHERE status = 5", Query(STATUS_5, source="Video")),
        ("select * from document where status = 5", Query(STATUS_5, source="Document")),
        ("SELECT * FROM Video", Query(source="Video")),
        ("SELECT * FROM Video ORDER BY title", Query(order_by=(OrderItem(f("title")),), source="Video")),
        ("WHERE status = 5", Query(STATUS_5)),
        ("", Query()),
        ("   ", Query()),
        (
            "status = 5 ORDER BY dateUploaded DESC, title ASC, length",
            Query(
                STATUS_5,
                order_by=(OrderItem(f("dateUploaded"), True), OrderItem(f("title")), OrderItem(f("length"))),
            ),
        ),
        ("ORDER BY title desc", Query(order_by=(OrderItem(f("title"), True),))),
    ],
)
def test_query_forms(text, expected):
    assert parse(text) == expected


def test_default_query_is_nuxeos():
    query = parse(DEFAULT_QUERY)
    assert query.source == "Document"
    assert query.where == And(
        (
            eq("ecm:mixinType", s("Video")),
            eq("ecm:isProxy", i(0)),
            eq("ecm:isVersion", i(0)),
            IsNull(f("vid:transcodedVideos/0/name")),
        )
    )


def test_the_seeds_multiline_default_reads_the_same():
    seed = """SELECT * FROM Document
  WHERE ecm:mixinType = 'Video' AND ecm:isProxy = 0
    AND ecm:isVersion = 0 AND vid:transcodedVideos/0/name IS NULL"""
    assert parse(seed) == parse(DEFAULT_QUERY)


def test_positions_point_at_fields_operators_and_values():
    where = parse("SELECT * FROM Video WHERE title LIKE 'a%' AND status IN (4, 'Error')").where
    like, membership = where.operands
    assert (like.field.position, like.position, like.pattern.position) == (26, 32, 37)
    assert (membership.field.position, membership.position) == (46, 53)
    assert [value.position for value in membership.values] == [57, 60]


@pytest.mark.parametrize(
    "text, position, wording",
    [
        (
            "SELECT * FROM Video WHERE width =",
            33,
            "Expected a value after '=' at position 33, but found the end of the query",
        ),
        ("title = AND status = 5", 8, "Expected a value after '=' at position 8, but found 'AND'"),
        ("title", 5, "Expected an operator (=, <>, <, <=, >, >=, LIKE, ILIKE, IN, BETWEEN or IS) after field title"),
        ("title == 'a'", 7, "Expected a value after '='"),
        ("title NOT = 'a'", 10, "Expected LIKE, ILIKE, IN or BETWEEN after NOT after field title at position 10"),
        ("title LIKE 5", 11, "Expected a quoted pattern after LIKE at position 11, but found the number 5"),
        ("status IN 4", 10, "Expected '(' after IN at position 10"),
        ("status IN ()", 11, "Expected a value after '(' at position 11, but found ')'"),
        ("status IN (4, 5", 15, "Expected ',' or ')' in the IN list at position 15"),
        ("status IN (4,)", 13, "Expected a value after ','"),
        ("length BETWEEN 1 OR 2", 17, "Expected AND between the two values of BETWEEN at position 17, but found 'OR'"),
        ("length BETWEEN 1 AND", 20, "Expected a value after AND at position 20"),
        ("description IS 5", 15, "Expected NULL or NOT NULL after IS at position 15, but found the number 5"),
        ("description IS NOT", 18, "Expected NULL after IS NOT at position 18"),
        ("(status = 5", 11, "Expected ')' to close the '(' at position 0 at position 11"),
        ("status = 5)", 10, "Expected AND, OR, ORDER BY or the end of the query at position 10, but found ')'"),
        ("status = 5 title = 'a'", 11, "Expected AND, OR, ORDER BY or the end of the query at position 11"),
        ("status = 5 AND", 14, "Expected a field name at position 14, but found the end of the query"),
        ("AND status = 5", 0, "Expected a field name at position 0, but found 'AND'"),
        ("1 = 1", 0, "Expected a field name at position 0, but found the number 1"),
        ("'title' = 'a'", 0, "Expected a field name at position 0, but found the string 'title'"),
        ("SELECT title FROM Video", 7, "Expected '*' after SELECT (only SELECT * is supported) at position 7"),
        ("SELECT * Video", 9, "Expected FROM after SELECT * at position 9"),
        (
            "SELECT * FROM Collection",
            14,
            "Expected Video or Document after FROM at position 14, but found 'Collection'",
        ),
        ("SELECT * FROM Video status = 5", 20, "Expected WHERE, ORDER BY or the end of the query after FROM Video"),
        ("SELECT * FROM Video WHERE", 25, "Expected a field name at position 25"),
        ("status = 5 ORDER title", 17, "Expected BY after ORDER at position 17"),
        ("status = 5 ORDER BY", 19, "Expected a field name to sort by at position 19"),
        ("status = 5 ORDER BY title DESC status", 31, "Expected the end of the query at position 31"),
        ("dateUploaded = DATE 2026", 20, "Expected a quoted value like '2026-01-01' after DATE at position 20"),
        ("dateUploaded = DATE '2026-02-30'", 20, "Invalid DATE '2026-02-30': expected a real date like '2026-01-01'"),
        ("dateUploaded = DATE 'tomorrow'", 20, "Invalid DATE 'tomorrow'"),
        ("dateUploaded = TIMESTAMP '2026-01-01'", 25, "Invalid TIMESTAMP '2026-01-01'"),
        ("width = - 'a'", 8, "Expected a value after '=' at position 8, but found '-'"),
        (
            "title = 'a' -- comment",
            12,
            "Expected AND, OR, ORDER BY or the end of the query at position 12, but found '-'",
        ),
        ("title = 'unterminated", 8, "Unterminated string"),
    ],
)
def test_syntax_errors_say_what_was_expected_and_where(text, position, wording):
    with pytest.raises(QuerySyntaxError) as caught:
        parse_syntax(text)
    assert caught.value.position == position
    assert wording in caught.value.message
    assert f"at position {position}" in str(caught.value)


def test_nesting_is_bounded():
    with pytest.raises(QuerySyntaxError, match="nested more than 64 levels"):
        parse_syntax("(" * 100 + "status = 5" + ")" * 100)
    assert parse_syntax("(" * 60 + "status = 5" + ")" * 60).where == STATUS_5

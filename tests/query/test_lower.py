"""Fields and values checked, constants folded: text → ir, with no database."""

import uuid
from datetime import UTC, date, datetime

import pytest

from media_platform.query import DEFAULT_QUERY, FIELD_NAMES, parse
from media_platform.query.errors import QuerySyntaxError
from media_platform.query.ir import FALSE, TRUE, AllOf, AnyOf, Exists, Match, Negate
from media_platform.query.lower import lower_query
from media_platform.query.parser import parse_syntax

GUID = uuid.UUID("3f2504e0-4f89-41d3-9a0c-0305e82c3301")
UNPUBLISHED = Match("outputs_prefix", "exact", "")


def plan(text: str):
    return lower_query(parse_syntax(text))


@pytest.mark.parametrize(
    "text, node",
    [
        # Nuxeo: the default query and its always-true / never-true properties
        (DEFAULT_QUERY, UNPUBLISHED),
        ('SELECT * FROM Document WHERE ecm:mixinType = "Video"', TRUE),
        ("vid:transcodedVideos/0/name IS NOT NULL", Negate(UNPUBLISHED)),
        ("ecm:mixinType = 'Folder'", FALSE),
        ("ecm:primaryType = 'Video'", TRUE),
        ("ecm:primaryType <> 'Video'", FALSE),
        ("ecm:mixinType IN ('Folder', 'Video')", TRUE),
        ("ecm:mixinType NOT IN ('Folder', 'Video')", FALSE),
        ("ecm:mixinType IS NOT NULL", TRUE),
        ("ecm:isProxy = 0", TRUE),
        ("ecm:isProxy = FALSE", TRUE),
        ("ecm:isVersion = 1", FALSE),
        ("ecm:isTrashed = 0", TRUE),
        ("NOT ecm:isVersion = 0", FALSE),
        ("ecm:isProxy = 1 OR status = 5", Match("status", "exact", 5)),
        ("ecm:isProxy = 0 OR status = 5", TRUE),
        ("ecm:isProxy = 1 AND status = 5", FALSE),
        ("NOT (ecm:isProxy = 1 AND status = 5)", TRUE),
        # names: bunny camelCase, the model's snake_case, Nuxeo's, any case
        ("dc:title = 'a'", Match("title", "exact", "a")),
        ("TITLE = 'a'", Match("title", "exact", "a")),
        ("dc:description = 'a'", Match("description", "exact", "a")),
        (
            "date_uploaded >= TIMESTAMP '2026-01-01T00:00:00Z'",
            Match("date_uploaded", "gte", datetime(2026, 1, 1, tzinfo=UTC)),
        ),
        ("dc:modified < DATE '2026-01-01'", Match("updated_at__date", "lt", date(2026, 1, 1))),
        ("ecm:uuid = '3f2504e0-4f89-41d3-9a0c-0305e82c3301'", Match("guid", "exact", GUID)),
        ("guid IN ('3F2504E0-4F89-41D3-9A0C-0305E82C3301')", Match("guid", "in", (GUID,))),
        ("collectionId = '3f2504e0-4f89-41d3-9a0c-0305e82c3301'", Match("collection__guid", "exact", GUID)),
        ("collection IS NULL", Match("collection__guid", "isnull", True)),
        ("library = 3", Match("library_id", "exact", 3)),
        ("videoLibraryId = 3", Match("library_id", "exact", 3)),
        ("library_id = 3", Match("library_id", "exact", 3)),
        ("hasMP4Fallback = 1", Match("has_mp4_fallback", "exact", True)),
        ("has_mp4_fallback = FALSE", Match("has_mp4_fallback", "exact", False)),
        ("vid:info/width >= 1920", Match("width", "gte", 1920)),
        ("encode_progress < 100", Match("encode_progress", "lt", 100)),
        # values: status names, booleans as numbers, floats from integers, ISO date strings
        ("status = 'finished'", Match("status", "exact", 4)),
        ("status IN ('Error', 'upload_failed', 'UploadFailed', 2)", Match("status", "in", (5, 6, 6, 2))),
        ("isPublic = 1", Match("is_public", "exact", True)),
        ("framerate > 29", Match("framerate", "gt", 29.0)),
        ("framerate BETWEEN 23.976 AND 30", Match("framerate", "range", (23.976, 30.0))),
        ("dateUploaded = '2026-01-01'", Match("date_uploaded__date", "exact", date(2026, 1, 1))),
        (
            "dateUploaded > '2026-01-01 10:00'",
            Match("date_uploaded", "gt", datetime(2026, 1, 1, 10, tzinfo=UTC)),
        ),
        (
            "dc:created BETWEEN DATE '2026-01-01' AND TIMESTAMP '2026-01-02T12:00:00'",
            Match("date_uploaded", "range", (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, 12, tzinfo=UTC))),
        ),
        # negated operators never match NULL; the NOT keyword is the plain complement
        ("title <> 'x'", Negate(Match("title", "exact", "x"))),
        (
            "description <> 'x'",
            AllOf((Negate(Match("description", "exact", "x")), Match("description", "isnull", False))),
        ),
        ("NOT description = 'x'", Negate(Match("description", "exact", "x"))),
        (
            "category NOT IN ('a', 'b')",
            AllOf((Negate(Match("category", "in", ("a", "b"))), Match("category", "isnull", False))),
        ),
        ("width NOT BETWEEN 1 AND 2", Negate(Match("width", "range", (1, 2)))),
        ("title NOT LIKE 'a%'", Negate(Match("title", "regex", r"(?s)\Aa.*\Z"))),
        ("title ILIKE '%launch%'", Match("title", "icontains", "launch")),
        ("DC:TITLE like 'Launch'", Match("title", "exact", "Launch")),
        ("rotation IS NULL", Match("rotation", "isnull", True)),
        # derived: hasErrors
        ("hasErrors = TRUE", Exists("has_errors")),
        ("hasErrors = 0", Negate(Exists("has_errors"))),
        ("hasErrors <> TRUE", Negate(Exists("has_errors"))),
        ("NOT hasErrors = FALSE", Exists("has_errors")),
        # structure
        ("", TRUE),
        (
            "status = 5 OR (width = 1 OR height = 2)",
            AnyOf((Match("status", "exact", 5), Match("width", "exact", 1), Match("height", "exact", 2))),
        ),
    ],
)
def test_fields_and_values_lower_to_lookups(text, node):
    assert plan(text).filter == node


def test_order_by_maps_to_orm_paths():
    assert plan("ORDER BY dateUploaded DESC, dc:title, collectionId, library").order_by == (
        "-date_uploaded",
        "title",
        "collection__guid",
        "library_id",
    )


@pytest.mark.parametrize(
    "text, position, wording",
    [
        ("titel = 'a'", 0, "Unknown field 'titel' at position 0. Did you mean title?"),
        ("status = 5 AND foo = 1", 15, "Unknown field 'foo' at position 15. Valid fields include title, status"),
        ("dc:creator = 'me'", 0, "Unknown field 'dc:creator'"),
        ("width LIKE 'a'", 6, "LIKE cannot be used with width at position 6. width accepts =, <>, <, <=, >, >="),
        ("isPublic > 0", 9, "> cannot be used with isPublic"),
        ("hasErrors IS NULL", 10, "IS NULL cannot be used with hasErrors"),
        ("vid:transcodedVideos/0/name = 'x'", 28, "= cannot be used with vid:transcodedVideos/0/name"),
        ("ecm:mixinType LIKE 'V%'", 14, "LIKE cannot be used with ecm:mixinType"),
        ("width = 'wide'", 8, "Expected a whole number for width at position 8, but found the string 'wide'"),
        ("width = 1.5", 8, "Expected a whole number for width at position 8, but found the number 1.5"),
        ("views > 99999999999999999999", 8, "The number 99999999999999999999 is out of range for views"),
        ("title = 5", 8, "Expected a quoted string for title at position 8, but found the number 5"),
        ("title IN ('a', TRUE)", 15, "Expected a quoted string for title at position 15, but found TRUE"),
        ("isPublic = 2", 11, "Expected TRUE, FALSE, 1 or 0 for isPublic"),
        ("isPublic = 'yes'", 11, "Expected TRUE, FALSE, 1 or 0 for isPublic"),
        ("status = 9", 9, "Expected a status from 0 to 8 or one of Created, Uploaded, Processing"),
        ("status IN (4, 'Done')", 14, "but found the string 'Done'"),
        ("dateUploaded > 'yesterday'", 15, "Expected a date like DATE '2026-01-01' or TIMESTAMP"),
        ("dateUploaded > 5", 15, "Expected a date like"),
        ("guid = 'not-a-guid'", 7, "Expected a quoted GUID"),
        ("ecm:isProxy = 'no'", 14, "Expected TRUE, FALSE, 1 or 0 for ecm:isProxy"),
        ("ecm:mixinType = 1", 16, "Expected a quoted string for ecm:mixinType"),
        ("title LIKE 'abc\\\\'", 11, "LIKE pattern ends with a backslash that escapes nothing"),
        ("ORDER BY hasErrors", 9, "Cannot sort by hasErrors at position 9"),
        ("ORDER BY title, nope DESC", 16, "Unknown field 'nope' at position 16"),
    ],
)
def test_field_and_value_errors_are_positioned(text, position, wording):
    for read in (parse, plan):  # parse() checks fields and values too
        with pytest.raises(QuerySyntaxError) as caught:
            read(text)
        assert caught.value.position == position
        assert wording in caught.value.message


def test_field_names_cover_the_three_vocabularies():
    names = set(FIELD_NAMES)
    assert "" not in names and len(names) == len(FIELD_NAMES)
    assert {"dateUploaded", "collectionId", "hasMP4Fallback", "videoLibraryId"} <= names  # bunny
    assert {"date_uploaded", "is_public", "library", "collection", "encode_progress", "storage_size"} <= names
    assert {"dc:title", "dc:created", "ecm:uuid", "ecm:mixinType", "vid:transcodedVideos/0/name"} <= names

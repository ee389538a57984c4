"""Random videos, random queries: the compiled Q selects exactly what a plain-Python reading
of the same query selects. The reference below shares no code with the compiler."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from media_platform.models import Library, Video
from media_platform.query import ast
from media_platform.query.compile import filter_videos
from media_platform.query.parser import parse_syntax
from media_platform.query.render import render
from media_platform.services.libraries import library_create

ALPHABET = "aAb%_'\"\\ é"
STATUS_NAMES = ["Created", "Uploaded", "Processing", "Transcoding", "Finished", "Error", "UploadFailed"]
DAY0 = datetime(2025, 12, 31, tzinfo=UTC)
MOMENTS = [DAY0 + timedelta(hours=hours) for hours in (0, 10, 23.99, 24, 34, 48)]
FRAMERATES = [Decimal("0"), Decimal("23.976"), Decimal("25"), Decimal("29.97"), Decimal("30")]


@dataclass(frozen=True)
class Field:
    names: tuple[str, ...]  # spellings the query may use
    attr: str
    kind: str  # string | integer | float | boolean | status | datetime
    nullable: bool = False


FIELDS = [
    Field(("title", "dc:title", "TITLE"), "title", "string"),
    Field(("description", "dc:description"), "description", "string", nullable=True),
    Field(("category",), "category", "string", nullable=True),
    Field(("status",), "status", "status"),
    Field(("length", "vid:info/duration"), "length", "integer"),
    Field(("width",), "width", "integer"),
    Field(("rotation",), "rotation", "integer", nullable=True),
    Field(("framerate",), "framerate", "float"),
    Field(("isPublic", "is_public"), "is_public", "boolean"),
    Field(("hasOriginal",), "has_original", "boolean"),
    Field(("dateUploaded", "dc:created", "date_uploaded"), "date_uploaded", "datetime"),
]
BY_NAME = {name.lower(): field for field in FIELDS for name in field.names}

# --- videos -------------------------------------------------------------------------------

# Short, and often of letters that differ only in case: equal values and LIKE hits are common.
texts = st.text(alphabet="aAb", max_size=3) | st.text(alphabet=ALPHABET, max_size=3)
moments = st.sampled_from(MOMENTS) | st.datetimes(
    min_value=datetime(2025, 12, 30), max_value=datetime(2026, 1, 3), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=0))
rows = st.fixed_dictionaries(
    {
        "title": texts,
        "description": st.none() | texts,
        "category": st.none() | texts,
        "status": st.integers(0, 8),
        "length": st.integers(0, 50),
        "width": st.sampled_from([0, 640, 1280, 1920]),
        "rotation": st.none() | st.sampled_from([0, 90, 180, 270]),
        "framerate": st.sampled_from(FRAMERATES).map(float),
        "is_public": st.booleans(),
        "has_original": st.booleans(),
        "date_uploaded": moments,
    }
)

# --- queries ------------------------------------------------------------------------------


def literal(kind: str, value) -> ast.Literal:
    return ast.Literal(kind, value)


def values_for(field: Field) -> st.SearchStrategy[ast.Literal]:
    if field.kind == "string":
        return texts.map(lambda text: literal("string", text))
    if field.kind == "integer":
        return st.sampled_from([-1, 0, 1, 25, 50, 90, 640, 1280, 1920]).map(lambda number: literal("integer", number))
    if field.kind == "float":
        return st.sampled_from(FRAMERATES).map(lambda number: literal("decimal", number)) | st.integers(0, 31).map(
            lambda number: literal("integer", number)
        )
    if field.kind == "boolean":
        return st.booleans().map(lambda flag: literal("boolean", flag)) | st.sampled_from([0, 1]).map(
            lambda number: literal("integer", number)
        )
    if field.kind == "status":
        names = st.sampled_from(STATUS_NAMES).flatmap(lambda name: st.sampled_from([name, name.lower(), name.upper()]))
        return st.integers(0, 8).map(lambda number: literal("integer", number)) | names.map(
            lambda name: literal("string", name)
        )
    days = st.dates(min_value=date(2025, 12, 30), max_value=date(2026, 1, 3))
    return days.map(lambda day: literal("date", day)) | moments.map(lambda moment: literal("timestamp", moment))


_like_pieces = st.sampled_from(["a", "A", "b", "é", "'", "%", "_", "\\%", "\\_", "\\\\"])
_shaped = st.tuples(
    st.sampled_from(["", "%", "_"]),
    st.lists(st.sampled_from("aA"), min_size=1, max_size=2),
    st.sampled_from(["", "%", "_"]),
)
like_patterns = st.lists(_like_pieces, max_size=4).map("".join) | _shaped.map(
    lambda parts: parts[0] + "".join(parts[1]) + parts[2]
)


@st.composite
def predicates(draw) -> ast.Predicate:
    field = draw(st.sampled_from(FIELDS))
    ref = ast.FieldRef(draw(st.sampled_from(field.names)))
    value, negated = values_for(field), draw(st.booleans())
    forms = ["compare", "in", "null"]
    if field.kind != "boolean":
        forms.append("between")
    if field.kind == "string":
        forms.extend(["like"] * 3)  # LIKE has the most ways to go wrong
    form = draw(st.sampled_from(forms))
    if form == "compare":
        ops = ["=", "<>"] if field.kind == "boolean" else list(ast.COMPARISON_OPERATORS)
        return ast.Comparison(ref, draw(st.sampled_from(ops)), draw(value))
    if form == "in":
        return ast.In(ref, tuple(draw(st.lists(value, min_size=1, max_size=3))), negated)
    if form == "between":
        return ast.Between(ref, draw(value), draw(value), negated)
    if form == "like":
        pattern = literal("string", draw(like_patterns))
        return ast.Like(ref, pattern, negated, draw(st.booleans()))
    return ast.IsNull(ref, negated)


expressions = st.recursive(
    predicates(),
    lambda children: st.one_of(
        st.lists(children, min_size=2, max_size=3).map(lambda items: ast.And(tuple(items))),
        st.lists(children, min_size=2, max_size=3).map(lambda items: ast.Or(tuple(items))),
        children.map(ast.Not),
    ),
    max_leaves=6,
)
queries = st.builds(ast.Query, where=expressions, source=st.sampled_from([None, "Video", "Document"]))

# --- the reference reading ------------------------------------------------------------------


def evaluate(expr: ast.Expr, row: dict) -> bool:
    if isinstance(expr, ast.And):
        return all(evaluate(operand, row) for operand in expr.operands)
    if isinstance(expr, ast.Or):
        return any(evaluate(operand, row) for operand in expr.operands)
    if isinstance(expr, ast.Not):
        return not evaluate(expr.operand, row)
    field = BY_NAME[expr.field.name.lower()]
    stored = row[field.attr]
    if isinstance(expr, ast.IsNull):
        return (stored is None) != expr.negated
    if stored is None:
        return False  # every other operator, NOT forms included, skips NULL
    if isinstance(expr, ast.Like):
        return like(str(expr.pattern.value), stored, expr.case_insensitive) != expr.negated
    stored, values = comparable(field, stored, literals_of(expr))
    if isinstance(expr, ast.Comparison):
        return OPERATORS[expr.op](stored, values[0])
    if isinstance(expr, ast.In):
        return (stored in values) != expr.negated
    return (values[0] <= stored <= values[1]) != expr.negated


def literals_of(expr: ast.Comparison | ast.In | ast.Between) -> list[ast.Literal]:
    if isinstance(expr, ast.Comparison):
        return [expr.value]
    if isinstance(expr, ast.In):
        return list(expr.values)
    return [expr.low, expr.high]


OPERATORS = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def comparable(field: Field, stored, literals: list[ast.Literal]):
    if field.kind == "datetime":
        if all(item.kind == "date" for item in literals):
            return stored.astimezone(UTC).date(), [item.value for item in literals]
        moments = [item.value for item in literals]
        return stored, [datetime.combine(m, datetime.min.time(), UTC) if type(m) is date else m for m in moments]
    if field.kind == "status":
        lowered = [name.lower() for name in STATUS_NAMES]
        return stored, [lowered.index(item.value.lower()) if item.kind == "string" else item.value for item in literals]
    if field.kind == "float":
        return stored, [float(item.value) for item in literals]
    if field.kind == "boolean":
        return stored, [bool(item.value) for item in literals]
    return stored, [item.value for item in literals]


def like(pattern: str, text: str, case_insensitive: bool) -> bool:
    """SQL LIKE by dynamic programming over (pattern token, text position)."""
    tokens: list[tuple[str, str]] = []
    index = 0
    while index < len(pattern):
        if pattern[index] == "\\":
            tokens.append(("char", pattern[index + 1]))
            index += 2
            continue
        kind = {"%": "any", "_": "one"}.get(pattern[index], "char")
        tokens.append((kind, pattern[index]))
        index += 1
    if case_insensitive:
        tokens = [(kind, char.lower()) for kind, char in tokens]
        text = text.lower()

    @functools.cache
    def match(t: int, p: int) -> bool:
        if p == len(tokens):
            return t == len(text)
        kind, char = tokens[p]
        if kind == "any":
            return match(t, p + 1) or (t < len(text) and match(t + 1, p))
        return t < len(text) and (kind == "one" or text[t] == char) and match(t + 1, p + 1)

    return match(0, 0)


# --- the properties -------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(query=queries)
def test_rendered_queries_read_back_to_the_same_tree(query):
    assert parse_syntax(render(query)) == query


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(videos=st.lists(rows, min_size=3, max_size=10), examples=st.lists(queries, min_size=6, max_size=10))
def test_compiled_queries_select_what_the_reference_selects(videos, examples):
    # given these videos, and only these
    Video.objects.all().delete()
    library = Library.objects.first() or library_create(name="Property library")[0]
    stored = {Video.objects.create(library=library, **row).pk: row for row in videos}
    for query in examples:
        text = render(query)
        # when the query runs in the database
        selected = set(filter_videos(Video.objects.all(), text).values_list("pk", flat=True))
        # then it selects what the reference reading selects
        expected = {pk for pk, row in stored.items() if evaluate(query.where, row)}
        assert selected == expected, text

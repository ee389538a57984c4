import re

import pytest

from media_platform.query.errors import QuerySyntaxError
from media_platform.query.like import like_lookup


@pytest.mark.parametrize(
    "pattern, like, ilike",
    [
        ("", ("exact", ""), ("iexact", "")),
        ("abc", ("exact", "abc"), ("iexact", "abc")),
        ("abc%", ("regex", r"(?s)\Aabc.*\Z"), ("istartswith", "abc")),
        ("%abc", ("regex", r"(?s)\A.*abc\Z"), ("iendswith", "abc")),
        ("%abc%", ("regex", r"(?s)\A.*abc.*\Z"), ("icontains", "abc")),
        ("%%abc%%%", ("regex", r"(?s)\A.*abc.*\Z"), ("icontains", "abc")),
        ("%", ("isnull", False), ("isnull", False)),
        ("%%", ("isnull", False), ("isnull", False)),
        ("a_c", ("regex", r"(?s)\Aa.c\Z"), ("iregex", r"(?s)\Aa.c\Z")),
        ("a%b%c", ("regex", r"(?s)\Aa.*b.*c\Z"), ("iregex", r"(?s)\Aa.*b.*c\Z")),
        ("_", ("regex", r"(?s)\A.\Z"), ("iregex", r"(?s)\A.\Z")),
        (r"100\%", ("exact", "100%"), ("iexact", "100%")),
        (r"%50\%%", ("regex", r"(?s)\A.*50%.*\Z"), ("icontains", "50%")),
        (r"a\_b", ("exact", "a_b"), ("iexact", "a_b")),
        ("a\\\\b", ("exact", "a\\b"), ("iexact", "a\\b")),
        (r"\a", ("exact", "a"), ("iexact", "a")),
        ("a.c+(d)%", ("regex", r"(?s)\Aa\.c\+\(d\).*\Z"), ("istartswith", "a.c+(d)")),
        ("[x]^$_", ("regex", r"(?s)\A\[x\]\^\$.\Z"), ("iregex", r"(?s)\A\[x\]\^\$.\Z")),
    ],
)
def test_patterns_become_lookups(pattern, like, ilike):
    assert like_lookup(pattern, case_insensitive=False, position=0) == like
    assert like_lookup(pattern, case_insensitive=True, position=0) == ilike


@pytest.mark.parametrize(
    "pattern, matches, misses",
    [
        ("a.c%", ["a.c", "a.cdef", "a.c\nnext line"], ["abc", "xa.c", "A.C"]),
        ("%(x)", ["(x)", "y(x)"], ["(x)y", "x"]),
        ("a_c", ["abc", "a\nc"], ["ac", "abbc", "abc\n"]),
    ],
)
def test_regexes_are_anchored_and_escaped(pattern, matches, misses):
    lookup, regex = like_lookup(pattern, case_insensitive=False, position=0)
    assert lookup == "regex"
    assert all(re.search(regex, text) for text in matches)
    assert not any(re.search(regex, text) for text in misses)


def test_a_trailing_backslash_is_an_error_at_the_pattern():
    with pytest.raises(QuerySyntaxError) as caught:
        like_lookup("abc\\", case_insensitive=False, position=11)
    assert caught.value.position == 11
    assert "LIKE pattern ends with a backslash that escapes nothing at position 11" in str(caught.value)

from decimal import Decimal

import pytest

from media_platform.query.errors import QuerySyntaxError
from media_platform.query.lexer import tokenize


def kinds_values_positions(text: str) -> list[tuple[str, object, int]]:
    return [(token.kind, token.value, token.position) for token in tokenize(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "status = 5",
            [("IDENT", "status", 0), ("SYMBOL", "=", 7), ("NUMBER", 5, 9), ("EOF", "", 10)],
        ),
        (
            "width>=-1.5",
            [
                ("IDENT", "width", 0),
                ("SYMBOL", ">=", 5),
                ("SYMBOL", "-", 7),
                ("NUMBER", Decimal("1.5"), 8),
                ("EOF", "", 11),
            ],
        ),
        ("a<>b", [("IDENT", "a", 0), ("SYMBOL", "<>", 1), ("IDENT", "b", 3), ("EOF", "", 4)]),
        ("a != b", [("IDENT", "a", 0), ("SYMBOL", "!=", 2), ("IDENT", "b", 5), ("EOF", "", 6)]),
        (
            "select Where and",
            [("KEYWORD", "SELECT", 0), ("KEYWORD", "WHERE", 7), ("KEYWORD", "AND", 13), ("EOF", "", 16)],
        ),
        ("dc:title", [("IDENT", "dc:title", 0), ("EOF", "", 8)]),
        ("vid:transcodedVideos/0/name", [("IDENT", "vid:transcodedVideos/0/name", 0), ("EOF", "", 27)]),
        ("'it''s'", [("STRING", "it's", 0), ("EOF", "", 7)]),
        (r"'it\'s'", [("STRING", "it's", 0), ("EOF", "", 7)]),
        ('"Video"', [("STRING", "Video", 0), ("EOF", "", 7)]),
        ('"say ""hi"""', [("STRING", 'say "hi"', 0), ("EOF", "", 12)]),
        (r"'a\\b'", [("STRING", "a\\b", 0), ("EOF", "", 6)]),
        (r"'100\%'", [("STRING", "100\\%", 0), ("EOF", "", 7)]),  # kept for LIKE to read
        ("''", [("STRING", "", 0), ("EOF", "", 2)]),
        (
            "  ( x , * )",
            [
                ("SYMBOL", "(", 2),
                ("IDENT", "x", 4),
                ("SYMBOL", ",", 6),
                ("SYMBOL", "*", 8),
                ("SYMBOL", ")", 10),
                ("EOF", "", 11),
            ],
        ),
        ("", [("EOF", "", 0)]),
    ],
)
def test_tokens_carry_values_and_positions(text, expected):
    assert kinds_values_positions(text) == expected


@pytest.mark.parametrize(
    "text, position, wording",
    [
        ("title = 'abc", 8, "Unterminated string: expected a closing ' for the string that starts at position 8"),
        ('title = "abc', 8, "Unterminated string"),
        (r"title = 'abc\'", 8, "Unterminated string"),
        ("title = 'a'; DROP TABLE video", 11, "Unexpected character ';' at position 11"),
        ("status == 5 #", 12, "Unexpected character '#' at position 12"),
    ],
)
def test_bad_characters_are_positioned(text, position, wording):
    with pytest.raises(QuerySyntaxError) as caught:
        tokenize(text)
    assert caught.value.position == position
    assert wording in str(caught.value)

"""Query text → tokens, each with the character position it starts at."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .errors import error_at

TokenKind = Literal["STRING", "NUMBER", "IDENT", "KEYWORD", "SYMBOL", "EOF"]

KEYWORDS = frozenset(
    {
        "SELECT",
        "FROM",
        "WHERE",
        "ORDER",
        "BY",
        "ASC",
        "DESC",
        "AND",
        "OR",
        "NOT",
        "LIKE",
        "ILIKE",
        "IN",
        "BETWEEN",
        "IS",
        "NULL",
        "TRUE",
        "FALSE",
        "DATE",
        "TIMESTAMP",
    }
)

# Longest first, so that "<=" is not read as "<" then "=".
SYMBOLS = ("<>", "!=", "<=", ">=", "=", "<", ">", "(", ")", ",", "*", "-")

# Property paths as NXQL writes them: `title`, `dc:title`, `vid:transcodedVideos/0/name`.
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z_][A-Za-z0-9_]*)?(?:/(?:\d+|\*\d*|[A-Za-z_][A-Za-z0-9_]*))*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_QUOTES = "'\""


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    value: str | int | Decimal  # keywords upper-cased, strings unescaped, numbers parsed
    text: str  # as written, for error messages
    position: int

    def is_keyword(self, *words: str) -> bool:
        return self.kind == "KEYWORD" and self.value in words

    def is_symbol(self, *symbols: str) -> bool:
        return self.kind == "SYMBOL" and self.value in symbols

    def describe(self) -> str:
        if self.kind == "EOF":
            return "the end of the query"
        if self.kind == "STRING":
            shown = self.text if len(self.text) <= 30 else self.text[:27] + "..."
            return f"the string {shown}"
        if self.kind == "NUMBER":
            return f"the number {self.text}"
        return f"'{self.text}'"


def tokenize(text: str) -> list[Token]:
    """Every token of ``text``, ending with an EOF token at ``len(text)``."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char.isspace():
            position += 1
            continue
        token = _read_token(text, position)
        tokens.append(token)
        position += len(token.text)
    tokens.append(Token("EOF", "", "", len(text)))
    return tokens


def _read_token(text: str, position: int) -> Token:
    char = text[position]
    if char in _QUOTES:
        return _read_string(text, position)
    if match := _NUMBER.match(text, position):
        raw = match.group()
        value: int | Decimal = Decimal(raw) if "." in raw else int(raw)
        return Token("NUMBER", value, raw, position)
    if match := _IDENT.match(text, position):
        raw = match.group()
        if raw.upper() in KEYWORDS:
            return Token("KEYWORD", raw.upper(), raw, position)
        return Token("IDENT", raw, raw, position)
    for symbol in SYMBOLS:
        if text.startswith(symbol, position):
            return Token("SYMBOL", symbol, symbol, position)
    raise error_at(f"Unexpected character {char!r}", position)


def _read_string(text: str, start: int) -> Token:
    """A quoted string: the quote doubled or after a backslash stands for itself, and so does
    ``\\\\``; any other backslash is kept, so LIKE patterns can escape ``%`` and ``_``."""
    quote = text[start]
    chars: list[str] = []
    position = start + 1
    while position < len(text):
        char = text[position]
        following = text[position + 1] if position + 1 < len(text) else ""
        if char == "\\" and following in ("\\", *_QUOTES):
            chars.append(following)
            position += 2
        elif char == quote and following == quote:
            chars.append(quote)
            position += 2
        elif char == quote:
            return Token("STRING", "".join(chars), text[start : position + 1], start)
        else:
            chars.append(char)
            position += 1
    raise error_at(f"Unterminated string: expected a closing {quote} for the string that starts", start)

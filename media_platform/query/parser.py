"""Recursive descent over the tokens: NOT binds tighter than AND, AND tighter than OR.

query      := [SELECT * FROM (Video | Document) [WHERE expr] | [WHERE] [expr]] [ORDER BY order (, order)*]
expr       := and_expr (OR and_expr)*
and_expr   := not_expr (AND not_expr)*
not_expr   := NOT not_expr | ( expr ) | predicate
predicate  := field (op value | [NOT] (LIKE | ILIKE) string | [NOT] IN ( value, ... )
              | [NOT] BETWEEN value AND value | IS [NOT] NULL)
value      := string | [-] number | TRUE | FALSE | DATE string | TIMESTAMP string
"""

from __future__ import annotations

from . import ast
from .dates import parse_date, parse_timestamp
from .errors import error_at
from .lexer import Token, tokenize
from .lower import lower_query

MAX_DEPTH = 64  # parentheses and NOTs; a deeper query is a mistake, not a need
MAX_IN_VALUES = 1000
_OPERATORS_HINT = "an operator (=, <>, <, <=, >, >=, LIKE, ILIKE, IN, BETWEEN or IS)"


def parse(text: str) -> ast.Query:
    """Read ``text`` and check its fields and values; raises QuerySyntaxError."""
    query = parse_syntax(text)
    lower_query(query)
    return query


def parse_syntax(text: str) -> ast.Query:
    """Read ``text`` into a tree without looking at what the field names mean."""
    return _Parser(tokenize(text)).query()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "EOF":
            self.index += 1
        return token

    def accept_keyword(self, *words: str) -> Token | None:
        return self.advance() if self.current.is_keyword(*words) else None

    def expect_keyword(self, word: str, what: str) -> Token:
        if not self.current.is_keyword(word):
            raise error_at(what, self.current.position, self.current.describe())
        return self.advance()

    def expect_symbol(self, symbol: str, what: str) -> Token:
        if not self.current.is_symbol(symbol):
            raise error_at(what, self.current.position, self.current.describe())
        return self.advance()

    # --- query -------------------------------------------------------------------------

    def query(self) -> ast.Query:
        source = self.select_clause() if self.current.is_keyword("SELECT") else None
        where = None
        if self.accept_keyword("WHERE"):
            where = self.expression()
        elif not (self.current.kind == "EOF" or self.current.is_keyword("ORDER")):
            if source is not None:
                what = f"Expected WHERE, ORDER BY or the end of the query after FROM {source}"
                raise error_at(what, self.current.position, self.current.describe())
            where = self.expression()
        order_by = self.order_clause() if self.current.is_keyword("ORDER") else ()
        if self.current.kind != "EOF":
            expected = "the end of the query" if order_by else "AND, OR, ORDER BY or the end of the query"
            raise error_at(f"Expected {expected}", self.current.position, self.current.describe())
        return ast.Query(where=where, order_by=order_by, source=source)

    def select_clause(self) -> str:
        self.advance()
        self.expect_symbol("*", "Expected '*' after SELECT (only SELECT * is supported)")
        self.expect_keyword("FROM", "Expected FROM after SELECT *")
        token = self.current
        if token.kind != "IDENT" or token.text.lower() not in ("video", "document"):
            raise error_at("Expected Video or Document after FROM", token.position, token.describe())
        self.advance()
        return "Video" if token.text.lower() == "video" else "Document"

    def order_clause(self) -> tuple[ast.OrderItem, ...]:
        self.advance()
        self.expect_keyword("BY", "Expected BY after ORDER")
        items = [self.order_item()]
        while self.current.is_symbol(","):
            self.advance()
            items.append(self.order_item())
        return tuple(items)

    def order_item(self) -> ast.OrderItem:
        token = self.current
        if token.kind != "IDENT":
            raise error_at("Expected a field name to sort by", token.position, token.describe())
        self.advance()
        direction = self.accept_keyword("ASC", "DESC")
        return ast.OrderItem(
            ast.FieldRef(token.text, token.position), direction is not None and direction.value == "DESC"
        )

    # --- expressions ---------------------------------------------------------------------

    def expression(self) -> ast.Expr:
        operands = [self.and_expression()]
        while self.accept_keyword("OR"):
            operands.append(self.and_expression())
        return operands[0] if len(operands) == 1 else ast.Or(tuple(operands))

    def and_expression(self) -> ast.Expr:
        operands = [self.not_expression()]
        while self.accept_keyword("AND"):
            operands.append(self.not_expression())
        return operands[0] if len(operands) == 1 else ast.And(tuple(operands))

    def not_expression(self) -> ast.Expr:
        token = self.current
        if not (token.is_keyword("NOT") or token.is_symbol("(")):
            return self.predicate()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise error_at(f"Query nested more than {MAX_DEPTH} levels deep", token.position)
        self.advance()
        if token.is_keyword("NOT"):
            result: ast.Expr = ast.Not(self.not_expression())
        else:
            result = self.expression()
            self.expect_symbol(")", f"Expected ')' to close the '(' at position {token.position}")
        self.depth -= 1
        return result

    def predicate(self) -> ast.Expr:
        token = self.current
        if token.kind != "IDENT":
            raise error_at("Expected a field name", token.position, token.describe())
        self.advance()
        field = ast.FieldRef(token.text, token.position)
        operator = self.current
        if operator.is_symbol(*ast.COMPARISON_OPERATORS, "!="):
            self.advance()
            op = "<>" if operator.value == "!=" else str(operator.value)
            return ast.Comparison(field, op, self.value(f"'{operator.text}'"), operator.position)
        if operator.is_keyword("IS"):
            return self.is_null(field)
        negated = self.accept_keyword("NOT") is not None
        if not self.current.is_keyword("LIKE", "ILIKE", "IN", "BETWEEN"):
            what = "Expected LIKE, ILIKE, IN or BETWEEN after NOT" if negated else f"Expected {_OPERATORS_HINT}"
            raise error_at(f"{what} after field {field.name}", self.current.position, self.current.describe())
        return self.keyword_predicate(field, negated, operator.position)

    def keyword_predicate(self, field: ast.FieldRef, negated: bool, position: int) -> ast.Expr:
        keyword = self.advance()
        if keyword.value in ("LIKE", "ILIKE"):
            pattern = self.current
            if pattern.kind != "STRING":
                raise error_at(f"Expected a quoted pattern after {keyword.value}", pattern.position, pattern.describe())
            self.advance()
            literal = ast.Literal("string", pattern.value, pattern.position)
            return ast.Like(field, literal, negated, keyword.value == "ILIKE", position)
        if keyword.value == "IN":
            return ast.In(field, self.value_list(), negated, position)
        low = self.value("BETWEEN")
        self.expect_keyword("AND", "Expected AND between the two values of BETWEEN")
        return ast.Between(field, low, self.value("AND"), negated, position)

    def is_null(self, field: ast.FieldRef) -> ast.IsNull:
        operator = self.advance()
        negated = self.accept_keyword("NOT") is not None
        self.expect_keyword("NULL", "Expected NULL after IS NOT" if negated else "Expected NULL or NOT NULL after IS")
        return ast.IsNull(field, negated, operator.position)

    def value_list(self) -> tuple[ast.Literal, ...]:
        self.expect_symbol("(", "Expected '(' after IN")
        values = [self.value("'('")]
        while self.current.is_symbol(","):
            self.advance()
            values.append(self.value("','"))
            if len(values) > MAX_IN_VALUES:
                raise error_at(f"IN list longer than {MAX_IN_VALUES} values", values[-1].position)
        self.expect_symbol(")", "Expected ',' or ')' in the IN list")
        return tuple(values)

    # --- values ----------------------------------------------------------------------------

    def value(self, after: str) -> ast.Literal:
        token = self.current
        if token.kind == "STRING":
            self.advance()
            return ast.Literal("string", token.value, token.position)
        if token.kind == "NUMBER" or (token.is_symbol("-") and self.peek().kind == "NUMBER"):
            return self.number()
        if token.is_keyword("TRUE", "FALSE"):
            self.advance()
            return ast.Literal("boolean", token.value == "TRUE", token.position)
        if token.is_keyword("DATE", "TIMESTAMP"):
            return self.temporal()
        raise error_at(f"Expected a value after {after}", token.position, token.describe())

    def peek(self) -> Token:
        return self.tokens[min(self.index + 1, len(self.tokens) - 1)]

    def number(self) -> ast.Literal:
        start = self.current.position
        sign = 1
        if self.current.is_symbol("-"):
            self.advance()
            sign = -1
        token = self.advance()
        value = token.value
        assert not isinstance(value, str)
        return ast.Literal("integer" if isinstance(value, int) else "decimal", sign * value, start)

    def temporal(self) -> ast.Literal:
        keyword = self.advance()
        token = self.current
        example = "'2026-01-01'" if keyword.value == "DATE" else "'2026-01-01T10:00:00'"
        if token.kind != "STRING":
            raise error_at(
                f"Expected a quoted value like {example} after {keyword.value}", token.position, token.describe()
            )
        self.advance()
        text = str(token.value)
        if keyword.value == "DATE":
            day = parse_date(text)
            if day is None:
                raise error_at(f"Invalid DATE {token.text}: expected a real date like {example}", token.position)
            return ast.Literal("date", day, keyword.position)
        moment = parse_timestamp(text)
        if moment is None:
            raise error_at(f"Invalid TIMESTAMP {token.text}: expected a time like {example}", token.position)
        return ast.Literal("timestamp", moment, keyword.position)

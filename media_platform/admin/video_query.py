"""The advanced query box of the video changelist: ?query=<text in the query language>.

The text is compiled once per request; a syntax error is shown under the box with a caret at
its position and the list shows no rows (never all of them, which an action could then hit).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.admin.views.main import ORDER_VAR, ChangeList

from media_platform.query.compile import CompiledQuery, compile_query
from media_platform.query.errors import QuerySyntaxError

QUERY_VAR = "query"
MAX_QUERY_LENGTH = 4000
EXAMPLES = (
    "status = 'finished' AND length > 60",
    "title LIKE 'launch%' ORDER BY dateUploaded DESC",
    "hasErrors = 1",
    "dateUploaded >= DATE '2026-01-01'",
)


@dataclass(frozen=True)
class QueryState:
    text: str
    compiled: CompiledQuery | None = None
    error: str = ""
    position: int = 0

    @property
    def active(self) -> bool:
        return bool(self.text)

    @property
    def error_line(self) -> str:
        """The line of the query the error is on (a query may span lines)."""
        start = self.text.rfind("\n", 0, self.position) + 1
        end = self.text.find("\n", self.position)
        return self.text[start : end if end >= 0 else len(self.text)]

    @property
    def caret_line(self) -> str:
        """Spaces up to the error's column, then a caret: printed under error_line in a <pre>."""
        position = max(0, min(self.position, len(self.text)))
        column = position - (self.text.rfind("\n", 0, position) + 1)
        return " " * column + "^"


def read_query(params) -> QueryState:
    text = (params.get(QUERY_VAR) or "").strip()
    if not text:
        return QueryState("")
    if len(text) > MAX_QUERY_LENGTH:
        return QueryState(text, error=f"The query is longer than {MAX_QUERY_LENGTH} characters.", position=0)
    try:
        return QueryState(text, compiled=compile_query(text))
    except QuerySyntaxError as exc:
        return QueryState(text, error=exc.message, position=exc.position)
    except (ValueError, TypeError, OverflowError) as exc:  # a value the compiler let through but cannot use
        return QueryState(text, error=f"The query cannot be run: {exc}", position=0)


class QueryChangeList(ChangeList):
    """A changelist that keeps ?query= in its links but does not take it for a field lookup."""

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(QUERY_VAR, None)
        return lookup_params

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        state: QueryState | None = getattr(request, "mp_query", None)
        if state is None or not state.active:
            return queryset
        if state.compiled is None:
            return queryset.none()
        queryset = queryset.filter(state.compiled.q)
        if state.compiled.order_by and ORDER_VAR not in self.params:
            queryset = queryset.order_by(*state.compiled.order_by, "-pk")
        return queryset

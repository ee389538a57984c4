"""The one error the query language raises: what was expected, and where."""


class QuerySyntaxError(ValueError):
    """A query that cannot be read or does not fit the fields it names.

    ``position`` is the 0-based character offset in the query text where the problem is; the
    message repeats it so that an operator reading only the message can find the spot.
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __reduce__(self):  # keeps the two-argument form picklable (RQ, multiprocessing)
        return (type(self), (self.message, self.position))


def error_at(what: str, position: int, found: str | None = None, detail: str = "") -> QuerySyntaxError:
    """``Expected a value after '=' at position 31, but found 'AND'``, then ``detail``."""
    message = f"{what} at position {position}"
    if found is not None:
        message += f", but found {found}"
    if detail:
        message += f". {detail}"
    return QuerySyntaxError(message, position)

"""The NXQL-like query language over videos.

    SELECT * FROM Video WHERE status = 'Finished' AND title ILIKE '%launch%' ORDER BY dateUploaded DESC
    status = 5 AND title LIKE '%launch%'                  (a bare expression: the admin's query box)

Pure modules (no Django): lexer → parser → ast; lower checks fields (fields) and values
(values) and produces ir; like turns LIKE patterns into lookups; render writes a tree back as
text. Only ``compile`` imports Django, to turn ir into a Q and an ordering:

    from media_platform.query.compile import compile_query, filter_videos

How it reads:
- Keywords and field names ignore case. Strings take single or double quotes; a doubled quote
  or a backslash before a quote or a backslash stands for that character; other backslashes
  stay, so ``LIKE '100\\%'`` finds a literal ``%``.
- LIKE is case-sensitive, ILIKE is not; ``%`` any run, ``_`` one character.
- ``DATE '2026-01-01'`` (or a date-only string) compares with the UTC day of a timestamp;
  ``TIMESTAMP '2026-01-01T10:00:00'`` with the moment (UTC unless it names an offset).
- A comparison never matches NULL, NOT forms (<>, NOT IN, NOT LIKE, NOT BETWEEN) included;
  the NOT keyword selects exactly what its operand does not; ``IS [NOT] NULL`` tests NULL.
- Errors are QuerySyntaxError(message, position), position a 0-based character offset.
"""

from .ast import Query
from .errors import QuerySyntaxError
from .fields import FIELD_NAMES
from .parser import parse
from .render import render

# Nuxeo's default for POST /management/videos/recompute: videos with no transcoded outputs.
DEFAULT_QUERY = (
    "SELECT * FROM Document WHERE ecm:mixinType = 'Video' AND ecm:isProxy = 0"
    " AND ecm:isVersion = 0 AND vid:transcodedVideos/0/name IS NULL"
)

__all__ = ["DEFAULT_QUERY", "FIELD_NAMES", "Query", "QuerySyntaxError", "parse", "render"]

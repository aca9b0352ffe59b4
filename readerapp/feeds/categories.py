"""arXiv category lists as users write them (``cs.LG+cs.CL``, ``cs.LG cs.CL``, a list), checked once.

Both the RSS listing (``/rss/cs.LG+cs.CL``) and the export API query (``cat:cs.LG``) put categories into
URLs, so a typo is caught here with a clear message instead of an empty listing or an HTTP 400.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from readerapp.errors import QueryError

# archive (``cs``, ``hep-th``, ``cond-mat``) with an optional subject class (``LG``, ``mes-hall``, ``GA``)
_CATEGORY_RE = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[a-z]+)*)?")
_SEPARATORS_RE = re.compile(r"[\s+,]+")


def parse_categories(categories: Sequence[str] | str) -> list[str]:
    """The categories in order, each once; ``QueryError`` for an empty list or a malformed name."""
    items = [categories] if isinstance(categories, str) else list(categories)
    names = [name for item in items for name in _SEPARATORS_RE.split(item) if name]
    if not names:
        raise QueryError("no arXiv category given (e.g. cs.LG)")
    bad = [name for name in names if not _CATEGORY_RE.fullmatch(name)]
    if bad:
        shown = ", ".join(repr(name[:40]) for name in bad[:5])
        raise QueryError(f"not an arXiv category: {shown} (e.g. cs.LG)")
    return list(dict.fromkeys(names))

"""Papers without control characters, as every export but the lossless JSON writes them: a feed's ESC,
BEL or NUL means nothing to a reader and breaks some formats (RIS lines, YAML, XML-based tools).

The lossless JSON is left exact: its highlights point into the text by offset, and JSON escapes them.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from readerapp.paper import HighlightView, Paper
from readerapp.text import strip_controls


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_clean(item) for item in value)
    if isinstance(value, HighlightView):
        return replace(value, text=strip_controls(value.text), comment=_clean(value.comment))
    return value


def without_controls(paper: Paper) -> Paper:
    """``paper`` with every text field (title, authors, note, highlights...) rid of control characters
    other than newline and tab."""
    changes = {f.name: _clean(getattr(paper, f.name)) for f in fields(paper)}
    return replace(paper, **changes)

"""Papers without control characters, as every export but the lossless JSON writes them: a feed's ESC,
BEL or NUL means nothing to a reader and breaks some formats (RIS lines, YAML, XML-based tools).

The lossless JSON is left exact: its highlights point into the text by offset, and JSON escapes them.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from readerapp.paper import HighlightView, Paper
from readerapp.text import has_controls, strip_controls


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


def _collect(values: list[Any] | tuple[Any, ...], texts: list[str]) -> list[str]:
    """Every text among the values (strings, lists and tuples of them, highlights), into ``texts``."""
    for value in values:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list | tuple):
            _collect(value, texts)
        elif isinstance(value, HighlightView):
            texts += (value.text, value.comment or "")
    return texts


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def without_controls(paper: Paper) -> Paper:
    """``paper`` with every text field (title, authors, note, highlights...) rid of control characters
    other than newline and tab; the same object when it has none (almost always, and cheap to tell)."""
    kind = type(paper)
    names = _FIELD_NAMES.get(kind) or _FIELD_NAMES.setdefault(kind, tuple(f.name for f in fields(paper)))
    values = [getattr(paper, name) for name in names]
    if not has_controls("".join(_collect(values, []))):  # one search: most papers have none
        return paper
    return replace(paper, **{name: _clean(value) for name, value in zip(names, values, strict=True)})

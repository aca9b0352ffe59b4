"""Cleaning every record once on its way into the store, whatever its source.

Feeds and files carry what their authors typed: NUL (which PostgreSQL refuses and SQLite keeps), lone
surrogates (which neither can encode), terminal escapes, and texts of any size (a 10 MB abstract would
freeze the detail pane). ``store.upsert`` passes every record through ``clean_record``, so both
databases get the same clean, bounded text and no parser has to remember to do it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from itertools import chain
from operator import attrgetter
from typing import Any

from readerapp.records import Annotations, HighlightRecord, LibraryFields, NoteRecord, PaperRecord
from readerapp.text import cap_text, clean_text, is_clean

KB = 1024
# The most a stored text keeps, in bytes of UTF-8, by field name; any other text keeps ``NAME_CAP``.
CAPS = {
    "abstract": 64 * KB,
    "title": 1 * KB,
    "ai_summary": 8 * KB,
    "comment": 8 * KB,  # arXiv's comment, a highlight's comment
    "text": 64 * KB,  # a highlight's quote, from the abstract
    "note": 256 * KB,
    "markdown": 256 * KB,  # another reader's note
    "code_url": 4 * KB,
    "project_url": 4 * KB,
    "url": 4 * KB,
    "pdf_path": 4 * KB,
}
NAME_CAP = 1 * KB  # names, identifiers, list items (an author, a tag, a keyword), short facts


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The values of ``names`` as a tuple, read by one C call (a record has dozens of texts)."""
    if len(names) > 1:
        return attrgetter(*names)
    return lambda obj: tuple(getattr(obj, name) for name in names)


@dataclass(frozen=True, slots=True)
class _Plan:
    """One record class's texts: those that keep ``NAME_CAP``, those with a cap of their own, and the
    lists of texts (whose every item keeps ``NAME_CAP``), each read by one getter."""

    short: tuple[str, ...]
    long: tuple[str, ...]
    lists: tuple[str, ...]
    get_short: Callable[[Any], tuple[Any, ...]]
    get_long: Callable[[Any], tuple[Any, ...]]
    get_lists: Callable[[Any], tuple[Any, ...]]


_PLANS: dict[type, _Plan] = {}


def _plan(cls: type) -> _Plan:
    if cls in _PLANS:
        return _PLANS[cls]
    texts = [f.name for f in fields(cls) if f.type in ("str", "str | None")]
    short = tuple(name for name in texts if name not in CAPS)
    long = tuple(name for name in texts if name in CAPS)
    lists = tuple(f.name for f in fields(cls) if f.type == "list[str]")
    _PLANS[cls] = _Plan(short, long, lists, _getter(short), _getter(long), _getter(lists))
    return _PLANS[cls]


# What a cut note calls a field's text when its name alone would not do (one item of a list, say).
_LABELS = {"ai_summary": "AI summary", "ai_keywords": "AI keyword", "authors": "author name",
           "editors": "editor name", "categories": "category", "keywords": "keyword", "tags": "tag",
           "sources": "source", "text": "highlighted text", "markdown": "note"}  # fmt: skip


def _clean(value: str, name: str) -> str:
    label = _LABELS.get(name) or name.replace("_", " ")
    return cap_text(clean_text(value), CAPS.get(name, NAME_CAP), label)


def _clean_fields(obj: PaperRecord | Annotations | LibraryFields | HighlightRecord | NoteRecord) -> None:
    """Clean ``obj``'s texts. Nearly every record is clean and short: checking all its texts as one
    string, in C, first keeps a 100k-paper import's cleaning under a second."""
    plan = _plan(type(obj))
    short, long, lists = plan.get_short(obj), plan.get_long(obj), plan.get_lists(obj)
    names = list(filter(None, short)) + list(chain.from_iterable(lists))
    if (
        is_clean("".join(names) + "".join(filter(None, long)))
        and max(map(len, names), default=0) * 4 <= NAME_CAP
        and all(v is None or len(v) * 4 <= CAPS[name] for name, v in zip(plan.long, long, strict=True))
    ):
        return
    for name, value in zip((*plan.short, *plan.long), (*short, *long), strict=True):
        if value:
            setattr(obj, name, _clean(value, name))
    for name, found in zip(plan.lists, lists, strict=True):
        if found:
            setattr(obj, name, [_clean(value, name) for value in found])


def clean_record(record: PaperRecord) -> PaperRecord:
    """``record`` with every text cleaned and capped (in place: the record belongs to the batch)."""
    _clean_fields(record)
    if record.annotations is not None:
        _clean_annotations(record.annotations)
    if record.library is not None:
        _clean_fields(record.library)
    return record


def _clean_annotations(annotations: Annotations) -> None:
    _clean_fields(annotations)
    if annotations.tag_added:
        annotations.tag_added = {_clean(tag, "tags"): when for tag, when in annotations.tag_added.items()}
    parts: list[HighlightRecord | NoteRecord] = [*annotations.highlights, *annotations.other_notes]
    for part in parts:
        _clean_fields(part)

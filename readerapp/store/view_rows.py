"""A database row as the ``Paper`` view the Library hands out: the columns a view reads and how one row
becomes a view. Shared by the store and the CLI's light path (``store.quick``), so both build the same
from the same rows; the list of columns derives from the paper's one field list (``records.METADATA``)."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from readerapp.paper import HighlightView, Paper
from readerapp.records import METADATA

# What only a full view reads: long text, and lists no list row shows.
FULL_COLUMNS = ("abstract", "keywords", "editors")
# What every view reads (as plain columns of ``papers``: loading ORM objects with abstracts and PDF text
# costs 5x more): the paper's metadata (``records.METADATA``) and what the library keeps about it.
_LISTED = tuple(name for name in METADATA if name not in FULL_COLUMNS)
VIEW_COLUMNS = ("id", "local_id", *_LISTED, "sources", "is_sample", "first_seen", "pdf_path")
_listed = attrgetter(*_LISTED)


def highlight_view(h: Any, author: str) -> HighlightView:
    """A view of a highlight row (``quote`` is the highlighted text)."""
    return HighlightView(
        id=h.id,
        field=h.field,
        start=h.start,
        end=h.end,
        text=h.quote,
        color=h.color,
        comment=h.comment,
        created=h.created,
        anchored=h.anchored,
        author=author,
        page=h.page,
        quads=tuple(tuple(q) for q in h.quads or ()),
        kind=h.kind,
        imported=h.imported,
    )


def paper_view(
    paper: Any,
    tags: list[str],
    note: str,
    highlights: list[HighlightView],
    full: bool,
    other_notes: list[tuple[str, str]],
) -> Paper:
    """A view from one row of ``VIEW_COLUMNS`` (and ``FULL_COLUMNS`` when ``full``) plus the user's
    state columns (``state``, ``state_changed``, ``starred``)."""
    return Paper(
        id=paper.arxiv_id or paper.local_id,
        **dict(zip(_LISTED, _listed(paper), strict=True)),
        abstract=paper.abstract if full else "",
        keywords=list(paper.keywords) if full else [],
        editors=list(paper.editors) if full else [],
        sources=list(paper.sources),
        is_sample=paper.is_sample,
        first_seen=paper.first_seen,
        pdf_path=paper.pdf_path,
        state=paper.state or "inbox",
        state_changed=paper.state_changed,
        starred=bool(paper.starred),
        tags=sorted(tags, key=str.lower),
        has_note=bool(note.strip()),
        note=note if full else "",
        highlights=highlights,
        other_notes=other_notes,
    )

"""A database row as what others see of it: the ``Paper`` view the Library hands out (the columns a
view reads and how one row becomes a view) and the search index's ``IndexDocument``. Shared by the
store and the CLI's light path (``store.quick``), so both build the same from the same rows."""

from __future__ import annotations

from typing import Any

from readerapp.index.document import IndexDocument
from readerapp.paper import HighlightView, Paper
from readerapp.records import REFERENCE_TEXTS

# What a list row needs, as plain columns of ``papers``: loading ORM objects (with abstracts and PDF
# text) costs 5x more.
VIEW_COLUMNS = (
    "id",
    "local_id",
    "arxiv_id",
    "version",
    "doi",
    "title",
    "authors",
    "categories",
    "primary_category",
    "published",
    "updated",
    "feed_day",
    "upvotes",
    "comments",
    "code_url",
    "project_url",
    "ai_summary",
    "ai_keywords",
    "journal_ref",
    "sources",
    "is_sample",
    "first_seen",
    "pdf_path",
    "comment",
    "withdrawn",
    *REFERENCE_TEXTS,
    "date_precision",
)
# What only a full view reads: long text, and lists no list row shows.
FULL_COLUMNS = ("abstract", "keywords", "editors")


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
        arxiv_id=paper.arxiv_id,
        version=paper.version,
        doi=paper.doi,
        title=paper.title,
        abstract=paper.abstract if full else "",
        authors=list(paper.authors),
        categories=list(paper.categories),
        primary_category=paper.primary_category,
        published=paper.published,
        updated=paper.updated,
        feed_day=paper.feed_day,
        upvotes=paper.upvotes,
        comments=paper.comments,
        code_url=paper.code_url,
        project_url=paper.project_url,
        ai_summary=paper.ai_summary,
        ai_keywords=list(paper.ai_keywords),
        journal_ref=paper.journal_ref,
        sources=list(paper.sources),
        is_sample=paper.is_sample,
        first_seen=paper.first_seen,
        state=paper.state or "inbox",
        state_changed=paper.state_changed,
        starred=bool(paper.starred),
        tags=sorted(tags, key=str.lower),
        has_note=bool(note.strip()),
        note=note if full else "",
        highlights=highlights,
        other_notes=other_notes,
        pdf_path=paper.pdf_path,
        comment=paper.comment,
        withdrawn=paper.withdrawn,
        **{name: getattr(paper, name) for name in REFERENCE_TEXTS},
        keywords=list(paper.keywords) if full else [],
        editors=list(paper.editors) if full else [],
        date_precision=paper.date_precision,
    )


def index_document(
    paper: Any,
    state: str | None,
    starred: bool | None,
    tags: list[str],
    notes: list[str],
    highlights: list[str],
) -> IndexDocument:
    """The index's document for a ``papers`` row, with this user's state and star (None: no state
    row), the paper's tags, every reader's notes, and its highlights' quotes and comments."""
    note = "\n\n".join(notes)
    return IndexDocument(
        id=paper.arxiv_id or paper.local_id,
        revision=paper.revision,
        title=paper.title,
        abstract=paper.abstract,
        authors=list(paper.authors),
        tags=tags,
        note=note,
        highlights=highlights,
        pdf_text=paper.pdf_text or "",
        categories=list(paper.categories),
        state=state or "inbox",
        starred=bool(starred),
        has_code=bool(paper.code_url),
        has_pdf=bool(paper.pdf_path),
        has_note=bool(note.strip()),
        published=paper.published,
        feed_day=paper.feed_day,
        upvotes=paper.upvotes,
    )

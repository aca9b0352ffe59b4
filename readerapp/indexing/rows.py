"""A ``papers`` row as the search index's ``IndexDocument``: the one mapping, shared by the Library's
document source (``indexing.documents``, over SQLAlchemy) and the CLI's light path
(``indexing.quick_source``, over ``sqlite3``), so both feed the index the same documents. It imports
no SQLAlchemy: the rows it reads are anything with the columns' names as attributes."""

from __future__ import annotations

from typing import Any, cast

from readerapp.index.document import IndexDocument
from readerapp.records import State

# What ``index_document`` reads of a paper's row.
DOCUMENT_COLUMNS = (
    "id", "arxiv_id", "local_id", "revision", "title", "abstract", "authors", "pdf_text", "categories",
    "code_url", "pdf_path", "published", "feed_day", "upvotes",
)  # fmt: skip


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
        state=cast(State, state or "inbox"),  # the store writes only states
        starred=bool(starred),
        has_code=bool(paper.code_url),
        has_pdf=bool(paper.pdf_path),
        has_note=bool(note.strip()),
        published=paper.published,
        feed_day=paper.feed_day,
        upvotes=paper.upvotes,
    )

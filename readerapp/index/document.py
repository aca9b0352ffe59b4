"""The contract between the store and the search index: one plain dict per paper.

``readerapp.indexing`` builds these from store rows and the index only ever sees them, so the index stays a
rebuildable cache of the database and never imports SQLAlchemy.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypedDict

from readerapp.records import State


class IndexDocument(TypedDict):
    """Everything search needs about one paper; the database stays the source of truth."""

    id: str  # public id: the arXiv base id, else the stable local id
    revision: int  # bumped by the store on every change to the paper; finds stale documents
    title: str
    abstract: str
    authors: list[str]  # in order
    tags: list[str]
    note: str  # Markdown source of the user's note
    highlights: list[str]  # quoted texts and comments
    pdf_text: str  # "" until a PDF is stored and extracted
    categories: list[str]
    state: State
    starred: bool
    has_code: bool
    has_pdf: bool
    has_note: bool
    published: datetime | None
    feed_day: date | None
    upvotes: int

"""The library schema as typed SQLAlchemy 2.x models.

Upstream metadata (what feeds say) lives on ``Paper``; everything a user makes lives in its own tables,
keyed by paper *and* user, so a shared PostgreSQL library (per-user state and star, notes and highlights
with their author) is a migration away, not a rewrite. Tags, collections and saved searches are shared.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from readerapp.store.types import UTCDateTime, utcnow


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class Paper(Base):
    """One paper, whatever sources described it. ``public_id`` is what users and the index see."""

    __tablename__ = "papers"
    # Covering indexes in the list's sort orders (store.queries.SORTS; SQLite walks them backwards for
    # DESC): a view of 100k papers is read in order instead of sorted.
    __table_args__ = (
        Index("ix_papers_feed_order", "feed_day", "upvotes", "id", "arxiv_id", "local_id"),
        Index("ix_papers_date_order", "published", "id", "arxiv_id", "local_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    local_id: Mapped[str] = mapped_column(String(16), unique=True)
    arxiv_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int | None]
    doi: Mapped[str | None] = mapped_column(String(255), index=True)
    title: Mapped[str] = mapped_column(Text)
    title_key: Mapped[str] = mapped_column(Text, index=True)
    abstract: Mapped[str] = mapped_column(Text, default="")
    authors: Mapped[list[str]] = mapped_column(default=list)
    categories: Mapped[list[str]] = mapped_column(default=list)
    primary_category: Mapped[str | None] = mapped_column(String(32))
    published: Mapped[datetime | None] = mapped_column(index=True)
    updated: Mapped[datetime | None]
    feed_day: Mapped[date | None] = mapped_column(Date, index=True)
    upvotes: Mapped[int] = mapped_column(default=0)
    comments: Mapped[int] = mapped_column(default=0)
    code_url: Mapped[str | None] = mapped_column(Text)
    project_url: Mapped[str | None] = mapped_column(Text)
    ai_summary: Mapped[str | None] = mapped_column(Text)
    ai_keywords: Mapped[list[str]] = mapped_column(default=list)
    journal_ref: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    withdrawn: Mapped[bool] = mapped_column(default=False)
    # A full reference (as records.PaperRecord names the fields; see there).
    item_type: Mapped[str | None] = mapped_column(String(32))
    venue: Mapped[str | None] = mapped_column(Text)
    volume: Mapped[str | None] = mapped_column(Text)
    issue: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(default=list)
    editors: Mapped[list[str]] = mapped_column(default=list)
    date_precision: Mapped[str | None] = mapped_column(String(8))  # None: a full date, as before 0005
    sources: Mapped[list[str]] = mapped_column(default=list)
    is_sample: Mapped[bool] = mapped_column(default=False)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    metadata_updated: Mapped[datetime] = mapped_column(default=utcnow)
    revision: Mapped[int] = mapped_column(default=1)
    pdf_path: Mapped[str | None] = mapped_column(Text)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_text: Mapped[str | None] = mapped_column(Text)

    @property
    def public_id(self) -> str:
        return self.arxiv_id or self.local_id


class User(Base):
    """A reader. A local library has one; a shared lab library has one per person."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    created: Mapped[datetime] = mapped_column(default=utcnow)


class PaperState(Base):
    """Triage state and star, per user. No row means inbox and not starred."""

    __tablename__ = "paper_states"
    __table_args__ = (
        Index("ix_paper_states_user_state", "user_id", "state"),
        Index("ix_paper_states_user_starred", "user_id", "starred"),
    )

    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="inbox")
    state_changed: Mapped[datetime | None]
    starred: Mapped[bool] = mapped_column(Boolean, default=False)
    starred_at: Mapped[datetime | None]


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)


class PaperTag(Base):
    __tablename__ = "paper_tags"
    __table_args__ = (Index("ix_paper_tags_tag", "tag_id"),)

    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    added: Mapped[datetime] = mapped_column(default=utcnow)


class Note(Base):
    """One Markdown note per paper and author."""

    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_user", "user_id"),)

    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    markdown: Mapped[str] = mapped_column(Text, default="")
    updated: Mapped[datetime] = mapped_column(default=utcnow)


class Highlight(Base):
    """One annotation model for the abstract and the PDF (0008).

    ``field`` is its source: ``"abstract"`` or ``"title"`` (offsets into the field plus the quoted text,
    so it re-anchors by text when the upstream abstract changes; ``anchored`` is false when it could
    not), or ``"pdf"``: a ``page`` (1-based), the ``quads`` it covers there (each eight numbers, PDF points
    from the page's top left, PyMuPDF's order), the exact text, and ``kind`` ``"note"`` for a note
    pinned to a point (one degenerate quad). ``imported`` marks what another reader wrote into the PDF,
    ``origin`` the key that keeps a second import from adding it again.
    """

    __tablename__ = "highlights"
    __table_args__ = (Index("ix_highlights_paper", "paper_id"), Index("ix_highlights_user", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(32), default="abstract")
    start: Mapped[int]
    end: Mapped[int]
    quote: Mapped[str] = mapped_column(Text)
    color: Mapped[str] = mapped_column(String(16), default="yellow")
    comment: Mapped[str | None] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    anchored: Mapped[bool] = mapped_column(default=True)
    page: Mapped[int | None] = mapped_column(Integer)
    # JSONB on PostgreSQL: the 0006 guard compares whole rows, and json has no equality operator.
    quads: Mapped[list[list[float]] | None] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    kind: Mapped[str] = mapped_column(String(16), default="highlight")
    imported: Mapped[bool] = mapped_column(default=False)
    origin: Mapped[str | None] = mapped_column(String(64))


class ReadingPosition(Base):
    """Where a user stopped reading a paper's PDF, so the viewer reopens it there."""

    __tablename__ = "reading_positions"

    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    page: Mapped[int] = mapped_column(Integer, default=0)
    offset: Mapped[float] = mapped_column(Float, default=0.0)  # how far down the page, 0..1
    zoom: Mapped[str] = mapped_column(String(16), default="width")  # "width", "page" or a factor
    updated: Mapped[datetime] = mapped_column(default=utcnow)


class Collection(Base):
    """An ordered, named set of papers; a paper can be in many."""

    __tablename__ = "collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    created: Mapped[datetime] = mapped_column(default=utcnow)


class CollectionItem(Base):
    __tablename__ = "collection_items"
    __table_args__ = (Index("ix_collection_items_paper", "paper_id"),)

    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True
    )
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class AutoExport(Base):
    """A file one user keeps current with a collection (``collection autoexport``; each reader of a shared
    library their own); ``error`` holds why
    the last rewrite failed (None once one succeeds), so the next change retries it."""

    __tablename__ = "auto_exports"
    __table_args__ = (Index("ux_auto_exports_collection_user", "collection_id", "user_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(default=utcnow)


class AutoExportKey(Base):
    """The citation key a paper was given in an auto-export: pinned, so a citing document never breaks."""

    __tablename__ = "auto_export_keys"
    __table_args__ = (Index("ux_auto_export_keys_key", "auto_export_id", "key", unique=True),)

    auto_export_id: Mapped[int] = mapped_column(
        ForeignKey("auto_exports.id", ondelete="CASCADE"), primary_key=True
    )
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(255))


class SavedSearch(Base):
    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    query: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(default=utcnow)


class SyncRun(Base):
    """One sync or import: what was asked, what came, and how it ended (``running`` if it never did)."""

    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    window: Mapped[str] = mapped_column(Text, default="")
    started: Mapped[datetime] = mapped_column(default=utcnow)
    finished: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    fetched: Mapped[int] = mapped_column(default=0)
    new: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)


class ChangeLog(Base):
    """Every write appends the public ids it touched; the search index catches up from here, so an
    index (this machine's, or another's on a shared library) never needs to be told directly."""

    __tablename__ = "change_log"
    # Ids are never reused (AUTOINCREMENT): the index keeps a watermark of the last one it applied.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)

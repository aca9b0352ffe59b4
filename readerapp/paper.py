"""What the Library hands out: plain, immutable views of papers, detached from any database session,
and the record of what a write changed (which is also how it is undone)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from readerapp.store.undo import Inverse

from readerapp.records import DatePrecision, State


@dataclass(frozen=True, slots=True)
class HighlightView:
    id: int
    field: str
    start: int
    end: int
    text: str
    color: str
    comment: str | None
    created: datetime
    anchored: bool
    author: str


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper as the user sees it: upstream metadata plus this user's state, tags, note, highlights.

    Light rows (``Library.rows``) leave ``abstract``, ``note`` and ``highlights`` empty.
    """

    id: str
    arxiv_id: str | None
    version: int | None
    doi: str | None
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]
    primary_category: str | None
    published: datetime | None
    updated: datetime | None
    feed_day: date | None
    upvotes: int
    comments: int
    code_url: str | None
    project_url: str | None
    ai_summary: str | None
    ai_keywords: list[str]
    journal_ref: str | None
    sources: list[str]
    is_sample: bool
    first_seen: datetime
    state: State
    state_changed: datetime | None
    starred: bool
    tags: list[str]
    has_note: bool
    note: str = ""
    # On a shared library, the other readers' notes as (author, Markdown); full views only.
    other_notes: list[tuple[str, str]] = field(default_factory=list)
    highlights: list[HighlightView] = field(default_factory=list)
    pdf_path: str | None = None
    comment: str | None = None
    withdrawn: bool = False
    # A full reference, under the names ``records.PaperRecord`` gives them. Light rows carry all but the
    # two lists, which only full views fill.
    item_type: str | None = None
    venue: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    publisher: str | None = None
    url: str | None = None
    keywords: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    date_precision: DatePrecision | None = None  # None: ``published`` is a full date

    @property
    def abs_url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else None

    @property
    def hf_url(self) -> str | None:
        return f"https://huggingface.co/papers/{self.arxiv_id}" if self.arxiv_id else None

    @property
    def published_text(self) -> str:
        """The publication date as precisely as a source gave it: ``2019``, ``2019-05`` or ``2019-05-06``."""
        if self.published is None:
            return ""
        day = self.published.date().isoformat()
        return {"year": day[:4], "month": day[:7]}.get(self.date_precision or "day", day)

    @property
    def reference_line(self) -> str:
        """Where and when the paper appeared: ``Journal 12(3), pp. 117-126 · Publisher · 2019-05``."""
        issue = f"({self.issue})" if self.issue else ""
        venue = " ".join(p for p in (self.venue, self.volume) if p) + issue
        place = ", ".join(p for p in (venue, f"pp. {self.pages}" if self.pages else "") if p)
        return " · ".join(p for p in (place, self.publisher, self.published_text) if p)

    @property
    def doi_or_arxiv(self) -> str | None:
        """The paper's DOI, or the DOI arXiv assigns every paper."""
        if self.doi:
            return self.doi
        return f"10.48550/arXiv.{self.arxiv_id}" if self.arxiv_id else None

    def summary_dict(self) -> dict[str, Any]:
        """The keys of ``list --json``."""
        return {
            "id": self.id,
            "arxiv_id": self.arxiv_id,
            "version": self.version,
            "title": self.title,
            "authors": list(self.authors),
            "published": self.published.isoformat() if self.published else None,
            "feed_day": self.feed_day.isoformat() if self.feed_day else None,
            "upvotes": self.upvotes,
            "state": self.state,
            "starred": self.starred,
            "tags": list(self.tags),
            "code_url": self.code_url,
        }

    def detail_dict(self) -> dict[str, Any]:
        """The keys of ``show --json``: the summary plus the abstract and what the user made."""
        return {
            **self.summary_dict(),
            "doi": self.doi,
            "abstract": self.abstract,
            "categories": list(self.categories),
            "comments": self.comments,
            "project_url": self.project_url,
            "abs_url": self.abs_url,
            "hf_url": self.hf_url,
            "ai_summary": self.ai_summary,
            "ai_keywords": list(self.ai_keywords),
            "sources": list(self.sources),
            "state_changed": self.state_changed.isoformat() if self.state_changed else None,
            "note": self.note,
            "other_notes": [{"author": author, "note": text} for author, text in self.other_notes],
            "highlights": [
                {
                    "id": h.id,
                    "field": h.field,
                    "start": h.start,
                    "end": h.end,
                    "text": h.text,
                    "comment": h.comment,
                    "color": h.color,
                    "anchored": h.anchored,
                    "author": h.author,
                    "created": h.created.isoformat(),
                }
                for h in self.highlights
            ],
            "pdf_path": self.pdf_path,
            "type": self.item_type,
            "venue": self.venue,
            "volume": self.volume,
            "issue": self.issue,
            "pages": self.pages,
            "publisher": self.publisher,
            "url": self.url,
            "keywords": list(self.keywords),
            "editors": list(self.editors),
            "date": self.published_text or None,
            "date_precision": self.date_precision or ("day" if self.published else None),
        }


@dataclass(frozen=True, slots=True)
class Changes:
    """What one write changed: the op's name, the public ids it touched, and the typed inverse
    operations that undo it.

    ``Library.undo`` applies ``inverse`` in one transaction and returns its own Changes, which is the
    redo. The UI refreshes exactly ``ids``; ``searches`` names the saved searches the write made,
    changed or deleted (a tag rename rewrites the queries that name the tag).
    """

    op: str
    ids: tuple[str, ...]
    inverse: tuple[Inverse, ...] = ()
    searches: tuple[str, ...] = ()

    def describe(self) -> str:
        """What undoing this does, in a few words: the app's "Undone: ..." line."""
        said = list(dict.fromkeys(step.describe() for step in self.inverse))
        return ", ".join(said[:2]) + (f" and {len(said) - 2} more" if len(said) > 2 else "")

    @property
    def empty(self) -> bool:
        """Nothing changed: no paper, and nothing to undo (deleting a saved search touches no paper,
        yet it is a change the undo history keeps)."""
        return not self.ids and not self.inverse

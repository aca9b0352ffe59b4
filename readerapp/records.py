"""The normalised paper record every feed and file parser produces.

Parsers turn their source into ``PaperRecord`` values; ``store.upsert`` merges them into the library.
Keeping this one plain dataclass between the two means a new source never touches the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Literal

from readerapp.pdfs.position import PdfPosition

State = Literal["inbox", "reading", "done", "archived"]
STATES: tuple[State, ...] = ("inbox", "reading", "done", "archived")

DatePrecision = Literal["year", "month", "day"]
Quad = tuple[float, float, float, float, float, float, float, float]  # PyMuPDF order: ul, ur, ll, lr


@dataclass(frozen=True, slots=True)
class SyncRunView:
    """One recorded sync or import, as the sync log shows it: what was asked, what came, how it ended
    (``running`` for one still going, or one a crash cut short)."""

    source: str
    window: str
    started: datetime
    finished: datetime | None
    status: str
    fetched: int
    new: int
    updated: int
    error: str | None


@dataclass(frozen=True, slots=True)
class Skipped:
    """One item of a feed answer or file that could not be read or stored, and why: it is left out and
    reported, and the rest of the batch goes on (one bad item never sinks a day or a file)."""

    where: str  # what names the item to the user: a paper id, a citation key, "line 120"
    reason: str


@dataclass(slots=True)
class HighlightRecord:
    """A highlight as carried by the lossless JSON format."""

    text: str
    field: str = "abstract"
    start: int | None = None
    end: int | None = None
    color: str | None = None
    comment: str | None = None
    created: datetime | None = None
    author: str | None = None
    # A PDF annotation (``field == "pdf"``): page (1-based), quads, "highlight" or "note", read in?
    page: int | None = None
    quads: list[list[float]] | None = None
    kind: str = "highlight"
    imported: bool = False


@dataclass(frozen=True, slots=True)
class PdfMark:
    """One annotation on a PDF page, as written to or read from the file (``pdfs.annotations``)."""

    page: int  # 1-based
    kind: str  # "highlight" or "note"
    quads: tuple[Quad, ...]
    text: str
    comment: str | None = None
    color: str | None = None
    author: str | None = None
    origin: str | None = None  # its page and /NM, or a digest of what it is when it has no /NM


@dataclass(slots=True)
class NoteRecord:
    """Another reader's note on a shared library, kept with its author by the lossless JSON format."""

    author: str
    markdown: str
    updated: datetime | None = None


@dataclass(frozen=True, slots=True)
class PositionRecord(PdfPosition):
    """Where the user stopped reading the PDF (checked as any ``PdfPosition``), and since when."""

    updated: datetime | None = None


@dataclass(slots=True)
class Annotations:
    """What a user made for one paper; only the lossless JSON format carries it. The timestamps
    (``starred_at``, ``tag_added`` by tag name, ``note_updated``) are None when the file has none."""

    state: State | None = None
    state_changed: datetime | None = None
    starred: bool | None = None
    starred_at: datetime | None = None
    tags: list[str] = field(default_factory=list)
    tag_added: dict[str, datetime] = field(default_factory=dict)
    note: str | None = None
    note_updated: datetime | None = None
    other_notes: list[NoteRecord] = field(default_factory=list)
    highlights: list[HighlightRecord] = field(default_factory=list)
    position: PositionRecord | None = None


@dataclass(slots=True)
class LibraryFields:
    """What one library knows of a paper beyond what its sources say; only the lossless JSON format
    carries it, so a restored library keeps its ids, its samples and its PDFs' places.

    ``sources`` lists every source that described the paper; ``pdf_path`` is relative to the library
    folder (the PDF file itself travels separately, if at all).
    """

    local_id: str | None = None
    sources: list[str] = field(default_factory=list)
    is_sample: bool = False
    first_seen: datetime | None = None
    pdf_path: str | None = None
    pdf_sha256: str | None = None


@dataclass(slots=True)
class PaperRecord:
    """One paper as a source describes it, already normalised (whitespace, ids, versions).

    ``None`` means "this source does not say", so a merge keeps what the library already knows.
    """

    source: str
    title: str
    abstract: str | None = None
    arxiv_id: str | None = None
    version: int | None = None
    doi: str | None = None
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    primary_category: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    feed_day: date | None = None
    upvotes: int | None = None
    comments: int | None = None
    code_url: str | None = None
    project_url: str | None = None
    ai_summary: str | None = None
    ai_keywords: list[str] = field(default_factory=list)
    journal_ref: str | None = None
    comment: str | None = None
    withdrawn: bool | None = None
    # A full reference (issue 11): what reference files (BibTeX, RIS, CSL-JSON) carry beyond a preprint.
    item_type: str | None = None  # a CSL type: article-journal, paper-conference, chapter, book, article...
    venue: str | None = None  # journal, proceedings or book title
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    publisher: str | None = None
    url: str | None = None
    keywords: list[str] = field(default_factory=list)  # the source's keywords, kept apart from user tags
    editors: list[str] = field(default_factory=list)
    date_precision: DatePrecision | None = None  # how much of ``published`` the source really said
    annotations: Annotations | None = None
    library: LibraryFields | None = None


# The paper's metadata, declared once (the fields of ``PaperRecord``): every layer derives its own list
# from these names (the store's columns and merge rules, the views ``queries`` reads, the lossless JSON),
# and ``paper.Paper`` and ``store.models.Paper`` declare the same names typed for their layer.
_NOT_METADATA = ("source", "annotations", "library")  # what a record says besides the paper itself
METADATA: tuple[str, ...] = tuple(f.name for f in fields(PaperRecord) if f.name not in _NOT_METADATA)
LISTS = frozenset(f.name for f in fields(PaperRecord) if f.default_factory is list)  # lists of text


def record_name(record: PaperRecord) -> str:
    """How a report names a paper to the user: its arXiv id, else its DOI, else its title, shortened."""
    if record.arxiv_id:
        return record.arxiv_id
    if record.doi:
        return f"doi:{record.doi}"
    title = " ".join(record.title.split())
    return f'"{title[:60]}…"' if len(title) > 60 else f'"{title}"'

"""readerapp's own lossless JSON: every paper field, the user's annotations, collections, searches.

Layout (version 1)::

    {"format": "readerapp", "version": 1, "exported": ISO,
     "papers": [{...every PaperRecord field..., "annotations": {...}}],
     "collections": [{"name", "papers": [paper keys in order], "created"}],
     "saved_searches": [{"name", "query"}]}

Collections name their papers by ``paper_key`` (arXiv id, else DOI, else normalised title): a key any
library can recompute, unlike a library's local ids, and the same order the store merges by.
Reading is strict: a wrong shape is a FormatError, never a half-read library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, cast

from readerapp.errors import FormatError
from readerapp.formats.jsonfields import Fields
from readerapp.ids import parse_arxiv_id
from readerapp.records import STATES, Annotations, HighlightRecord, PaperRecord, State
from readerapp.text import title_key

FORMAT = "readerapp"
VERSION = 1


@dataclass(slots=True)
class CollectionRecord:
    """An ordered collection; ``papers`` holds paper keys (see ``paper_key``)."""

    name: str
    papers: list[str] = field(default_factory=list)
    created: datetime | None = None


@dataclass(slots=True)
class SavedSearchRecord:
    name: str
    query: str


@dataclass(slots=True)
class ImportedFile:
    """Everything one imported file holds; only our own format fills collections and searches."""

    format: str
    records: list[PaperRecord]
    collections: list[CollectionRecord] = field(default_factory=list)
    saved_searches: list[SavedSearchRecord] = field(default_factory=list)


def paper_key(record: PaperRecord) -> str:
    """The portable name of a paper inside one file: arXiv id, else ``doi:...``, else ``title:...``."""
    if record.arxiv_id:
        return record.arxiv_id
    if record.doi:
        return f"doi:{record.doi.lower()}"
    return f"title:{title_key(record.title)}"


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def paper_to_json(record: PaperRecord) -> dict[str, Any]:
    """Every field of the record, dates as ISO 8601, annotations only when the record has them."""
    obj: dict[str, Any] = {
        "source": record.source,
        "title": record.title,
        "abstract": record.abstract,
        "arxiv_id": record.arxiv_id,
        "version": record.version,
        "doi": record.doi,
        "authors": list(record.authors),
        "categories": list(record.categories),
        "primary_category": record.primary_category,
        "published": _iso(record.published),
        "updated": _iso(record.updated),
        "feed_day": _iso(record.feed_day),
        "upvotes": record.upvotes,
        "comments": record.comments,
        "code_url": record.code_url,
        "project_url": record.project_url,
        "ai_summary": record.ai_summary,
        "ai_keywords": list(record.ai_keywords),
        "journal_ref": record.journal_ref,
        "comment": record.comment,
        "withdrawn": record.withdrawn,
    }
    if record.annotations is not None:
        obj["annotations"] = _annotations_to_json(record.annotations)
    return obj


def _annotations_to_json(notes: Annotations) -> dict[str, Any]:
    return {
        "state": notes.state,
        "state_changed": _iso(notes.state_changed),
        "starred": notes.starred,
        "tags": list(notes.tags),
        "note": notes.note,
        "highlights": [
            {
                "text": h.text,
                "field": h.field,
                "start": h.start,
                "end": h.end,
                "color": h.color,
                "comment": h.comment,
                "created": _iso(h.created),
                "author": h.author,
            }
            for h in notes.highlights
        ],
    }


def is_readerapp_paper(obj: object) -> bool:
    """A paper object as ``paper_to_json`` writes it (authors are names, not HF author objects)."""
    return isinstance(obj, dict) and isinstance(obj.get("source"), str) and "arxiv_id" in obj


def paper_from_json(obj: object, where: str = "paper") -> PaperRecord:
    """The record ``paper_to_json`` wrote; FormatError names the place of any wrong shape."""
    paper = Fields(obj, where)
    raw_id = paper.text("arxiv_id")
    parsed = parse_arxiv_id(raw_id) if raw_id else None
    if raw_id and (parsed is None or parsed.version is not None):
        raise FormatError(f"{where}: 'arxiv_id' {raw_id[:40]!r} is not an arXiv id without version")
    version = paper.number("version")
    if version is not None and version < 1:
        raise FormatError(f"{where}: 'version' must be 1 or more")
    annotations = paper.child("annotations")
    return PaperRecord(
        source=paper.required_text("source"),
        title=paper.required_text("title"),
        abstract=paper.text("abstract"),
        arxiv_id=parsed.base if parsed else None,
        version=version,
        doi=paper.text("doi"),
        authors=paper.texts("authors"),
        categories=paper.texts("categories"),
        primary_category=paper.text("primary_category"),
        published=paper.when("published"),
        updated=paper.when("updated"),
        feed_day=paper.day("feed_day"),
        upvotes=paper.number("upvotes"),
        comments=paper.number("comments"),
        code_url=paper.text("code_url"),
        project_url=paper.text("project_url"),
        ai_summary=paper.text("ai_summary"),
        ai_keywords=paper.texts("ai_keywords"),
        journal_ref=paper.text("journal_ref"),
        comment=paper.text("comment"),
        withdrawn=paper.flag("withdrawn"),
        annotations=_annotations_from_json(annotations) if annotations is not None else None,
    )


def _annotations_from_json(notes: Fields) -> Annotations:
    state = notes.text("state")
    if state is not None and state not in STATES:
        raise FormatError(f"{notes.where}: 'state' {state[:20]!r} is not one of {', '.join(STATES)}")
    return Annotations(
        state=cast(State | None, state),
        state_changed=notes.when("state_changed"),
        starred=notes.flag("starred"),
        tags=notes.texts("tags"),
        note=notes.text("note"),
        highlights=[_highlight(h) for h in notes.children("highlights")],
    )


def _highlight(item: Fields) -> HighlightRecord:
    start, end = item.number("start"), item.number("end")
    if start is not None and end is not None and not 0 <= start <= end:
        raise FormatError(f"{item.where}: 'start' and 'end' must satisfy 0 <= start <= end")
    return HighlightRecord(
        text=item.required_text("text"),
        field=item.text("field") or "abstract",
        start=start,
        end=end,
        color=item.text("color"),
        comment=item.text("comment"),
        created=item.when("created"),
        author=item.text("author"),
    )


def is_readerapp_json(data: object) -> bool:
    return isinstance(data, dict) and data.get("format") == FORMAT


def parse_readerapp_json(data: object) -> ImportedFile:
    """A whole decoded export; refuses other formats and versions newer than this code reads."""
    top = Fields(data, "readerapp export")
    if top.text("format") != FORMAT:
        raise FormatError("not a readerapp export: 'format' must be \"readerapp\"")
    version = top.obj.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise FormatError("readerapp export: 'version' must be a whole number from 1")
    if version > VERSION:
        raise FormatError(
            f"readerapp export: format version {version} was written by a newer readerapp; "
            f"this one reads version {VERSION}"
        )
    top.when("exported")  # checked for shape only: the import time is what the library records
    records = [paper_from_json(p.obj, p.where) for p in top.children("papers")]
    keys = {paper_key(record) for record in records}
    collections = [_collection(c, keys) for c in top.children("collections")]
    searches = [
        SavedSearchRecord(name=s.required_text("name"), query=s.required_text("query"))
        for s in top.children("saved_searches")
    ]
    return ImportedFile("readerapp-json", records, collections, searches)


def _collection(item: Fields, keys: set[str]) -> CollectionRecord:
    members = item.texts("papers")
    missing = [key for key in members if key not in keys]
    if missing:
        raise FormatError(f"{item.where}: paper {missing[0][:60]!r} is not among the file's papers")
    return CollectionRecord(name=item.required_text("name"), papers=members, created=item.when("created"))


def dump_readerapp_json(
    records: list[PaperRecord],
    collections: list[CollectionRecord],
    saved_searches: list[SavedSearchRecord],
    exported: datetime | None = None,
) -> dict[str, Any]:
    """The export as a JSON-ready dict; write it with ``json.dump(..., ensure_ascii=False)``."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported": (exported or datetime.now(UTC)).isoformat(),
        "papers": [paper_to_json(record) for record in records],
        "collections": [
            {"name": c.name, "papers": list(c.papers), "created": _iso(c.created)} for c in collections
        ],
        "saved_searches": [{"name": s.name, "query": s.query} for s in saved_searches],
    }

"""readerapp's own lossless JSON: every paper field, the user's annotations, collections, searches.

Layout (version 3; version 2 lacked the keys marked **, version 1 also those marked *; both are still
read)::

    {"format": "readerapp", "version": 3, "exported": ISO, "pdf_files_included": false*,
     "papers": [{...every PaperRecord field...,
                 "item_type", "venue", "volume", "issue", "pages", "publisher", "url", "keywords",
                 "editors", "date_precision"**,
                 "library": {"local_id", "sources", "is_sample", "first_seen", "pdf_path",
                             "pdf_sha256"}*,
                 "annotations": {"state", "state_changed", "starred", "starred_at"*, "tags",
                                 "tags_added"* {tag: ISO}, "note", "note_updated"*,
                                 "other_notes"* [{"author", "note", "updated"}], "highlights",
                                 "reading_position"* {"page", "offset", "zoom", "updated"}}}],
     "collections": [{"name", "papers": [paper keys in order], "created"}],
     "saved_searches": [{"name", "query", "created"*}]}

Collections name their papers by ``paper_key`` (arXiv id, else DOI, else normalised title): a key any
library can recompute, unlike a library's local ids, and the same order the store merges by.
``pdf_path`` is relative to the library folder, as the library stores it; the PDF files themselves are
not in the file, which ``pdf_files_included`` says so that a reader of the file need not guess.
Reading is strict: a wrong shape is a FormatError, never a half-read library.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import Any, cast, get_args, get_type_hints

from readerapp.errors import FormatError, ReaderappError
from readerapp.formats.jsonfields import Fields
from readerapp.ids import clean_categories, clean_category, clean_doi, parse_arxiv_id
from readerapp.pdfs.naming import PDF_DIR
from readerapp.records import (
    METADATA,
    STATES,
    Annotations,
    DatePrecision,
    HighlightRecord,
    LibraryFields,
    NoteRecord,
    PaperRecord,
    PositionRecord,
    Skipped,
    State,
)
from readerapp.text import title_key

FORMAT = "readerapp"
VERSION = 3  # 2 added the "library" part, the annotations' timestamps, other readers' notes, the
# reading position, saved searches' "created" and "pdf_files_included"; 3 the full reference (item type,
# venue ... date precision), which an older readerapp would drop unread. Versions 1 and 2 still import.
_PRECISIONS: tuple[str, ...] = get_args(DatePrecision)
_LOCAL_ID_RE = re.compile(r"L[0-9a-f]{12}")  # what store.upsert.new_local_ids makes
_SHA256_RE = re.compile(r"[0-9a-f]{64}")


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
    created: datetime | None = None


@dataclass(slots=True)
class ImportedFile:
    """Everything one imported file holds. ``records`` may be read as they are iterated (a big BibTeX
    file); what depends on all of them (``skipped``, ``collections``, ``attachments``) is complete once
    they are. Collections and searches come from our own format and JabRef groups; ``skipped`` lists
    the items left out and why; ``attachments`` pairs paper keys with PDF files to store."""

    format: str
    records: Iterable[PaperRecord]
    collections: list[CollectionRecord] = field(default_factory=list)
    saved_searches: list[SavedSearchRecord] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # items that could not be read, left out
    attachments: list[tuple[str, Path]] = field(default_factory=list)


def paper_key(record: PaperRecord) -> str:
    """The portable name of a paper inside one file: arXiv id, else ``doi:...``, else ``title:...``."""
    if record.arxiv_id:
        return record.arxiv_id
    if record.doi:
        return f"doi:{record.doi.lower()}"
    return f"title:{title_key(record.title)}"


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _json_value(value: object) -> object:
    """A metadata value as JSON holds it: dates as ISO 8601, lists copied."""
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()
    return list(value) if isinstance(value, list) else value


# How each metadata field is read back, by its type in ``PaperRecord`` (the one field list).
_READERS: dict[object, Callable[[Fields, str], Any]] = {
    str | None: Fields.text,
    list[str]: Fields.texts,
    int | None: Fields.number,
    bool | None: Fields.flag,
    datetime | None: Fields.when,
    date | None: Fields.day,
}
_METADATA_TYPES = {
    name: hint
    for name, hint in get_type_hints(PaperRecord).items()
    if name in METADATA and name not in ("title", "date_precision")  # required; one of three words
}


def paper_to_json(record: PaperRecord) -> dict[str, Any]:
    """Every field of the record, dates as ISO 8601, annotations only when the record has them."""
    obj: dict[str, Any] = {"source": record.source}
    obj.update((name, _json_value(getattr(record, name))) for name in METADATA)
    if record.library is not None:
        obj["library"] = _library_to_json(record.library)
    if record.annotations is not None:
        obj["annotations"] = _annotations_to_json(record.annotations)
    return obj


def _library_to_json(kept: LibraryFields) -> dict[str, Any]:
    return {
        "local_id": kept.local_id,
        "sources": list(kept.sources),
        "is_sample": kept.is_sample,
        "first_seen": _iso(kept.first_seen),
        "pdf_path": kept.pdf_path,
        "pdf_sha256": kept.pdf_sha256,
    }


def _annotations_to_json(notes: Annotations) -> dict[str, Any]:
    position = notes.position
    return {
        "state": notes.state,
        "state_changed": _iso(notes.state_changed),
        "starred": notes.starred,
        "starred_at": _iso(notes.starred_at),
        "tags": list(notes.tags),
        "tags_added": {tag: when.isoformat() for tag, when in notes.tag_added.items()},
        "note": notes.note,
        "note_updated": _iso(notes.note_updated),
        "other_notes": [
            {"author": n.author, "note": n.markdown, "updated": _iso(n.updated)} for n in notes.other_notes
        ],
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
        "reading_position": None
        if position is None
        else {
            "page": position.page,
            "offset": position.offset,
            "zoom": position.zoom,
            "updated": _iso(position.updated),
        },
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
    kept = paper.child("library")
    source, title = paper.required_text("source"), paper.required_text("title")
    values = {name: _READERS[hint](paper, name) for name, hint in _METADATA_TYPES.items()}
    values.update(
        arxiv_id=parsed.base if parsed else None,
        doi=clean_doi(values["doi"]),
        categories=clean_categories(values["categories"]),
        primary_category=clean_category(values["primary_category"]),
        date_precision=_precision(paper),
    )
    return PaperRecord(
        source=source,
        title=title,
        **values,
        annotations=_annotations_from_json(annotations) if annotations is not None else None,
        library=_library_from_json(kept) if kept is not None else None,
    )


def _precision(paper: Fields) -> DatePrecision | None:
    value = paper.text("date_precision")
    if value is not None and value not in _PRECISIONS:
        choices = ", ".join(_PRECISIONS)
        raise FormatError(f"{paper.where}: 'date_precision' {value[:20]!r} is not one of {choices}")
    return cast(DatePrecision | None, value)


def _library_from_json(kept: Fields) -> LibraryFields:
    local_id, sha256 = kept.text("local_id"), kept.text("pdf_sha256")
    if local_id is not None and not _LOCAL_ID_RE.fullmatch(local_id):
        raise FormatError(f"{kept.where}: 'local_id' {local_id[:20]!r} is not a readerapp local id")
    if sha256 is not None and not _SHA256_RE.fullmatch(sha256):
        raise FormatError(f"{kept.where}: 'pdf_sha256' is not a SHA-256 in hex")
    return LibraryFields(
        local_id=local_id,
        sources=kept.texts("sources"),
        is_sample=bool(kept.flag("is_sample")),
        first_seen=kept.when("first_seen"),
        pdf_path=_pdf_path(kept),
        pdf_sha256=sha256,
    )


def _pdf_path(kept: Fields) -> str | None:
    """A stored PDF's place: a file directly in the library's ``pdfs/`` folder, as the store keeps it
    (a path anywhere else would let a file point the viewer at any file on the disk)."""
    value = kept.text("pdf_path")
    if value is None:
        return None
    parts = PurePosixPath(value).parts
    if "\\" in value or len(parts) != 2 or parts[0] != PDF_DIR or parts[1] in (".", ".."):
        raise FormatError(f"{kept.where}: 'pdf_path' {value[:60]!r} is not a file in the library's pdfs/")
    return value


def _annotations_from_json(notes: Fields) -> Annotations:
    state = notes.text("state")
    if state is not None and state not in STATES:
        raise FormatError(f"{notes.where}: 'state' {state[:20]!r} is not one of {', '.join(STATES)}")
    added = notes.child("tags_added")
    position = notes.child("reading_position")
    return Annotations(
        state=cast(State | None, state),
        state_changed=notes.when("state_changed"),
        starred=notes.flag("starred"),
        starred_at=notes.when("starred_at"),
        tags=notes.texts("tags"),
        tag_added={} if added is None else {tag: when for tag in added.obj if (when := added.when(tag))},
        note=notes.text("note"),
        note_updated=notes.when("note_updated"),
        other_notes=[
            NoteRecord(n.required_text("author"), n.required_text("note"), n.when("updated"))
            for n in notes.children("other_notes")
        ],
        highlights=[_highlight(h) for h in notes.children("highlights")],
        position=_position(position) if position is not None else None,
    )


def _position(item: Fields) -> PositionRecord:
    page, offset = item.number("page"), item.real("offset")
    zoom, updated = item.text("zoom") or "width", item.when("updated")
    try:
        return PositionRecord(page or 0, offset or 0.0, zoom, updated)  # checked as any PdfPosition
    except ReaderappError as error:
        raise FormatError(f"{item.where}: {error}") from None


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
    top.flag("pdf_files_included")  # likewise: no option bundles the PDF files with this format
    records = [paper_from_json(p.obj, p.where) for p in top.children("papers")]
    keys = {paper_key(record) for record in records}
    collections = [_collection(c, keys) for c in top.children("collections")]
    searches = [
        SavedSearchRecord(s.required_text("name"), s.required_text("query"), s.when("created"))
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
        "pdf_files_included": False,
        "papers": [paper_to_json(record) for record in records],
        "collections": [
            {"name": c.name, "papers": list(c.papers), "created": _iso(c.created)} for c in collections
        ],
        "saved_searches": [
            {"name": s.name, "query": s.query, "created": _iso(s.created)} for s in saved_searches
        ],
    }

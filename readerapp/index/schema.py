"""The Whoosh schema and the conversion of an ``IndexDocument`` into its fields.

What is stored is only what a hit shows without the database: the id, the title, and the texts a
snippet is cut from (abstract, note). PDF text, which can be long, goes to a compressed per-document
column so that loading a hit never unpickles it. Postings hold no positions (Whoosh
would decode them a posting at a time): a bulk build writes them as arrays beside each segment
(``positions``). Filters (state, flags, year) are single exact terms; dates and upvotes are numeric
without tiers (Whoosh's tiered ranges return wrong documents at some bounds, and one posting per
paper keeps indexing cheap; filters are cached sets anyway) with a column for sorting; the revision
lives in a column for drift checks.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from whoosh.columns import CompressedBytesColumn, NumericColumn
from whoosh.fields import COLUMN, ID, NUMERIC, Schema

from readerapp.index.analysis import TermsField, exact, name_terms, stems
from readerapp.index.document import IndexDocument

PROSE_FIELDS = ("title", "abstract", "note", "pdf")
"""Stemmed text fields (snippets and phrase checks read title, abstract, note and the PDF column)."""

FIELD_BOOSTS = {"title": 3.0, "abstract": 1.0, "author": 1.5, "tag": 1.5, "note": 1.2, "pdf": 0.6}
"""Fields a free word searches, with the weight of a match in each (a title match ranks first)."""

FLAGS = ("starred", "code", "pdf", "note")


class _TextColumn(CompressedBytesColumn):
    """Whoosh's compressed column lacks the default a reader needs for documents without a value."""

    _default = b""


def build_schema() -> Schema:
    """The schema of a fresh index (stored in the index itself by Whoosh)."""
    prose = {name: TermsField(stored=name in ("title", "abstract", "note")) for name in PROSE_FIELDS}
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        revision=COLUMN(NumericColumn("q")),
        pdf_text=COLUMN(_TextColumn()),
        author=TermsField(),
        tag=TermsField(scorable=False),
        cat=TermsField(scorable=False),
        state=TermsField(scorable=False),
        flag=TermsField(scorable=False),
        year=TermsField(scorable=False),
        date=NUMERIC(int, 32, signed=False, sortable=True, shift_step=0),
        upvotes=NUMERIC(int, 32, signed=False, sortable=True, shift_step=0),
        **prose,
    )


def day_number(day: date) -> int:
    """A date as the integer YYYYMMDD: ordered like the date and readable in a debugger."""
    return day.year * 10_000 + day.month * 100 + day.day


def _paper_day(doc: IndexDocument) -> date | None:
    published = doc["published"]
    if isinstance(published, datetime):
        return published.date()
    return doc["feed_day"]


def note_text(doc: IndexDocument) -> str:
    """The note plus every highlight quote and comment: all the user's own words, searched as one."""
    return "\n".join(part for part in (doc["note"], *doc["highlights"]) if part)


def to_fields(doc: IndexDocument) -> dict[str, Any]:
    """The keyword arguments of ``writer.add_document`` for one paper."""
    fields: dict[str, Any] = {
        "id": doc["id"],
        "revision": doc["revision"],
        "author": [term for name in doc["authors"] for term in name_terms(name)],
        "tag": [exact(t) for t in doc["tags"]],
        "cat": [exact(c) for c in doc["categories"]],
        "state": [doc["state"]],
        "flag": [name for name, on in zip(FLAGS, _flag_values(doc), strict=True) if on],
        "upvotes": max(0, int(doc["upvotes"] or 0)),
    }
    texts = (doc["title"], doc["abstract"], note_text(doc), doc["pdf_text"])
    for name, text in zip(PROSE_FIELDS, texts, strict=True):
        if not text:
            continue
        fields[name] = stems(text)
        if name != "pdf":
            fields[f"_stored_{name}"] = text
    if doc["pdf_text"]:
        fields["pdf_text"] = doc["pdf_text"].encode("utf-8")
    day = _paper_day(doc)
    if day is not None:
        fields["date"] = day_number(day)
        fields["year"] = [str(day.year)]
    return fields


def _flag_values(doc: IndexDocument) -> tuple[bool, bool, bool, bool]:
    return (doc["starred"], doc["has_code"], doc["has_pdf"], doc["has_note"])

"""CSL-JSON (Zotero's and Pandoc's citation data, and our own export) to PaperRecord.

An array of items, each with a CSL ``type``; names split into ``family``/``given`` (with particles and
suffix) or one ``literal``; dates as ``date-parts`` (whose length is the precision), or ``raw``/EDTF
text. Zotero writes a preprint's arXiv id as ``number`` (``arXiv:2401.01234``), its URL and the arXiv
DOI, so all three are looked at. An item that is not an object or has no title is skipped and reported.
The array starts with ``[`` like a Daily Papers answer; ``is_csl_item`` tells them apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from readerapp.errors import FormatError
from readerapp.formats.readerapp_json import ImportedFile
from readerapp.formats.reference import (
    CSL_TYPES,
    arxiv_in,
    clean_doi,
    dated,
    iso_dated,
    nothing_read,
    page_range,
    person,
    split_keywords,
)
from readerapp.records import DatePrecision, PaperRecord, Skipped
from readerapp.text import find_code_link, normalize_abstract, normalize_space

SOURCE = "csl-json"
_NAME_PARTS = ("given", "dropping-particle", "non-dropping-particle", "family", "suffix")


def is_csl_item(obj: object) -> bool:
    """A CSL item names a CSL type and has an id or a title; a Daily Papers item has neither."""
    return (
        isinstance(obj, dict)
        and obj.get("type") in CSL_TYPES
        and ("id" in obj or "title" in obj)
        and "paper" not in obj
    )


def parse_csl_json(data: object) -> ImportedFile:
    """Every item with a title; FormatError when the file is no array or no item can be read."""
    if not isinstance(data, list):
        raise FormatError("CSL-JSON must be an array of items")
    imported = ImportedFile("csl-json", [])
    records = []
    for n, item in enumerate(data, 1):
        record = _record(item, n)
        if isinstance(record, Skipped):
            imported.skipped.append(record)
        else:
            records.append(record)
    if not records:
        raise nothing_read("CSL-JSON", imported.skipped)
    imported.records = records
    return imported


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    return normalize_space(str(value)) if isinstance(value, (str, int, float)) else ""


def _record(item: object, n: int) -> PaperRecord | Skipped:
    if not isinstance(item, dict):
        return Skipped(f"item {n}", "not an object")
    where = f"item {n} ({_text(item, 'id')})" if _text(item, "id") else f"item {n}"
    title = _text(item, "title")
    if not title:
        return Skipped(where, "no title")
    url, doi = _text(item, "URL"), _text(item, "DOI")
    number = _text(item, "number")  # a report's number too: only an "arXiv:" one is an arXiv id
    ids = [number if number.lower().startswith("arxiv") else "", url, doi]
    found = arxiv_in(ids, [_text(item, "note"), _text(item, "archive_location")])
    abstract = normalize_abstract(item.get("abstract") if isinstance(item.get("abstract"), str) else "")
    published, precision = _issued(item.get("issued"))
    item_type = _text(item, "type")
    keywords = item.get("keyword")
    return PaperRecord(
        source=SOURCE,
        title=title,
        abstract=abstract or None,
        arxiv_id=found.base if found else None,
        version=found.version if found else None,
        doi=clean_doi(doi),
        authors=_names(item.get("author")),
        published=published,
        date_precision=precision,
        code_url=find_code_link(url) or find_code_link(abstract),
        item_type=item_type if item_type in CSL_TYPES else None,
        venue=_text(item, "container-title") or None,
        volume=_text(item, "volume") or None,
        issue=_text(item, "issue") or None,
        pages=page_range(_text(item, "page") or _text(item, "page-first")),
        publisher=_text(item, "publisher") or None,
        url=url or None,
        keywords=split_keywords(keywords if isinstance(keywords, str) else None),
        editors=_names(item.get("editor")),
    )


def _names(value: object) -> list[str]:
    names = []
    for name in value if isinstance(value, list) else []:
        if isinstance(name, dict):
            literal = _text(name, "literal")
            names.append(literal or person(*(_text(name, part) for part in _NAME_PARTS)))
    return [n for n in names if n]


def _number(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


def _issued(value: object) -> tuple[datetime | None, DatePrecision | None]:
    """``{"date-parts": [[2020, 5]]}`` (numbers or digit strings; the first of a range), else ``raw``
    or ``literal`` text, else an EDTF string."""
    if isinstance(value, str):
        return iso_dated(value)
    if not isinstance(value, dict):
        return None, None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        numbers = [_number(p) for p in parts[0][:3]] + [None] * 3
        return dated(numbers[0], numbers[1], numbers[2])
    return iso_dated(_text(value, "raw") or _text(value, "literal"))

"""RIS (Zotero, EndNote, Mendeley, publishers' "export citation") to PaperRecord, through rispy.

The file is cut at each ``TY`` line and every record is read on its own, so a record without an
``ER`` line still ends where the next begins and one bad record is skipped and reported with its line.
``TY`` becomes a CSL item type; ``JO``/``T2``/``JF``/``JA``/``BT`` the venue, ``VL``/``IS``/``SP``-``EP``
/``PB``/``UR``/``DO`` the rest of the reference; ``DA`` or ``PY`` the date at its precision (``2020///``
is a year, ``2020/05//`` a month). An arXiv id is looked for in ``AN`` (``arXiv:...``, as our export and
Zotero write it), the URLs and the arXiv DOI. ``L1`` names the PDF, attached when the file exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import rispy

from readerapp.formats.readerapp_json import ImportedFile, paper_key
from readerapp.formats.reference import (
    arxiv_in,
    clean_doi,
    existing_pdf,
    iso_dated,
    nothing_read,
    page_range,
    person,
    split_keywords,
)
from readerapp.records import PaperRecord, Skipped
from readerapp.text import find_code_link, normalize_abstract, normalize_space

SOURCE = "ris"
_RECORD_START_RE = re.compile(r"^TY  -", re.MULTILINE)
_END_RE = re.compile(r"^ER  -", re.MULTILINE)

# RIS reference types as CSL item types (as Zotero maps them).
ITEM_TYPES = {
    "JOUR": "article-journal",
    "JFULL": "article-journal",
    "EJOUR": "article-journal",
    "INPR": "article-journal",
    "ABST": "article-journal",
    "MGZN": "article-magazine",
    "NEWS": "article-newspaper",
    "CONF": "paper-conference",
    "CPAPER": "paper-conference",
    "CHAP": "chapter",
    "ECHAP": "chapter",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "SER": "book",
    "CLSWK": "classic",
    "RPRT": "report",
    "GOVDOC": "report",
    "THES": "thesis",
    "ELEC": "webpage",
    "WEB": "webpage",
    "ICOMM": "webpage",
    "BLOG": "post-weblog",
    "UNPB": "manuscript",
    "MANSCPT": "manuscript",
    "GEN": "document",
    "DATA": "dataset",
    "DBASE": "dataset",
    "AGGR": "dataset",
    "COMP": "software",
    "PAT": "patent",
    "STAND": "standard",
    "PAMP": "pamphlet",
    "ENCYC": "entry-encyclopedia",
    "DICT": "entry-dictionary",
    "MAP": "map",
    "SOUND": "song",
    "MPCT": "motion_picture",
    "VIDEO": "motion_picture",
    "ART": "graphic",
    "FIGURE": "figure",
    "PCOMM": "personal_communication",
    "HEAR": "hearing",
    "BILL": "bill",
    "CASE": "legal_case",
    "STAT": "legislation",
    "LEGAL": "legislation",
}
# JO, T2, JF, JA, J2 as rispy names them
_JOURNAL_FIELDS = (
    "journal_name",
    "secondary_title",
    "alternate_title3",
    "alternate_title2",
    "alternate_title1",
)
_EDITED_TYPES = frozenset({"chapter", "paper-conference", "book", "entry-encyclopedia", "entry-dictionary"})
_PREPRINT_TYPES = frozenset({"manuscript", "document", None})


def parse_ris(text: str, folder: Path | None = None) -> ImportedFile:
    """Every record that has a title; the others are skipped with their line. FormatError when none
    can be read."""
    imported = ImportedFile("ris", [])
    records = []
    for line, chunk in _records(text):
        try:
            found = rispy.loads(chunk if _END_RE.search(chunk) else chunk + "\nER  - \n")
        except Exception as error:  # rispy has no error type of its own; one record, not the file
            imported.skipped.append(Skipped(f"line {line}", f"unreadable record ({type(error).__name__})"))
            continue
        record = _record(found[0], line) if found else Skipped(f"line {line}", "empty record")
        if isinstance(record, Skipped):
            imported.skipped.append(record)
            continue
        records.append(record)
        pdf = existing_pdf(_strings(found[0].get("file_attachments1")), folder)
        if pdf is not None:
            imported.attachments.append((paper_key(record), pdf))
    if not records:
        raise nothing_read("RIS", imported.skipped)
    imported.records = records
    return imported


def _records(text: str) -> Iterator[tuple[int, str]]:
    """Each record's text (from its ``TY`` line to the next) and the line it starts on."""
    starts = [m.start() for m in _RECORD_START_RE.finditer(text)]
    line = 1
    for n, start in enumerate(starts):
        line += text.count("\n", starts[n - 1] if n else 0, start)
        yield line, text[start : starts[n + 1] if n + 1 < len(starts) else len(text)]


def _strings(value: Any) -> list[str]:
    """rispy gives a string or a list (``UR`` split on ``;``); either as a list of non-empty strings."""
    values = value if isinstance(value, list) else [value]
    return [normalize_space(v) for v in values if isinstance(v, str) and v.strip()]


def _first(entry: dict[str, Any], *names: str) -> str:
    return next((v for name in names for v in _strings(entry.get(name))), "")


def _record(entry: dict[str, Any], line: int) -> PaperRecord | Skipped:
    title = _first(entry, "title", "primary_title")
    if not title:
        return Skipped(f"line {line}", "no title (TI)")
    urls = _strings(entry.get("urls"))
    notes = _strings(entry.get("notes"))
    accession = _first(entry, "accession_number")  # any database's: only an "arXiv:" one is an arXiv id
    ids = [accession if accession.lower().startswith("arxiv") else "", *urls, _first(entry, "doi")]
    found = arxiv_in(ids, notes)
    item_type = ITEM_TYPES.get(_first(entry, "type_of_reference").upper())
    if found and item_type in _PREPRINT_TYPES:
        item_type = "article"
    unknown = entry.get("unknown_tag") or {}
    venue = _first(entry, *_JOURNAL_FIELDS) if item_type == "article-journal" else ""
    venue = venue or _first(entry, "secondary_title", *_JOURNAL_FIELDS) or _first(unknown, "BT")
    editors = _strings(unknown.get("ED"))
    if item_type in _EDITED_TYPES:
        editors += _strings(entry.get("secondary_authors"))
    start, end = _first(entry, "start_page"), _first(entry, "end_page")
    dates = (iso_dated(_first(entry, name)) for name in ("date", "year", "publication_year"))
    published, precision = next((d for d in dates if d[0] is not None), (None, None))
    abstract = normalize_abstract(_first(entry, "abstract", "notes_abstract"))
    return PaperRecord(
        source=SOURCE,
        title=title,
        abstract=abstract or None,
        arxiv_id=found.base if found else None,
        version=found.version if found else None,
        doi=clean_doi(_first(entry, "doi")),
        authors=_names(_strings(entry.get("authors")) + _strings(entry.get("first_authors"))),
        published=published,
        date_precision=precision,
        code_url=next(filter(None, map(find_code_link, [*urls, abstract])), None),
        item_type=item_type,
        venue=venue or None,
        volume=_first(entry, "volume") or None,
        issue=_first(entry, "number") or None,
        pages=page_range(f"{start}-{end}" if start and end and start != end else start or end),
        publisher=_first(entry, "publisher") or None,
        url=urls[0] if urls else None,
        keywords=split_keywords(_strings(entry.get("keywords"))),
        editors=_names(editors),
    )


def _names(names: list[str]) -> list[str]:
    """RIS writes ``Family, Given[, Suffix]``; a name without a comma (an institution) stays whole."""
    out = []
    for name in dict.fromkeys(names):
        family, _, rest = name.partition(",")
        given, _, suffix = rest.partition(",")
        out.append(person(given, family, suffix) if rest else name)
    return [n for n in out if n]

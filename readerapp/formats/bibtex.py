"""BibTeX and biblatex to PaperRecord, as a reference manager imports them.

One bad entry never sinks the file: a block bibtexparser cannot read, or an entry without a title, is
left out and reported (``Skipped``, with its line) while the rest is read; a file is refused only when
nothing in it can be read. Entries stream from ``bibtex_blocks`` a few hundred at a time, so a 100k-entry
file never sits in memory as one parsed library.

BibTeX from reference managers and Google Scholar hides the arXiv id in different places (``eprint``
with ``archivePrefix`` or biblatex's ``eprinttype``, a URL, the arXiv DOI, ``journal = {arXiv preprint
arXiv:...}``); all are tried so a paper merges with the feeds. Entry types become CSL item types,
``journal``/``journaltitle``/``booktitle`` the venue, and ``date`` or ``year``/``month``/``day`` the date
with its precision. Keywords are the source's (kept apart from the user's tags). Identifiers and paths
(``url``, ``doi``, ``eprint``, ``file``) are verbatim in biblatex, so they are not read as LaTeX (a ``%``
or ``~`` in a URL is no comment or space). JabRef groups become collections, and a ``file`` that exists
next to the .bib is attached.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

from readerapp.formats.bibtex_blocks import CHUNK_BLOCKS, BrokenBlock, RawEntry, iter_entries
from readerapp.formats.bibtex_files import attached_pdf
from readerapp.formats.dates import month_number
from readerapp.formats.jabref_groups import JabrefGroup, jabref_groups
from readerapp.formats.latex import latex_to_text
from readerapp.formats.readerapp_json import CollectionRecord, ImportedFile, paper_key
from readerapp.formats.reference import (
    arxiv_in,
    clean_doi,
    dated,
    iso_dated,
    nothing_read,
    page_range,
    split_keywords,
)
from readerapp.ids import ArxivId, clean_category
from readerapp.records import DatePrecision, PaperRecord, Skipped
from readerapp.text import find_code_link, normalize_abstract, normalize_space

SOURCE = "bibtex"
_YEAR_RE = re.compile(r"(?<!\d)(\d{4})(?!\d)")  # "2012a" (a disambiguating letter) is 2012
_URL_MACRO_RE = re.compile(r"^\\url\s*\{(.*)\}$", re.DOTALL)
_VERBATIM_ESCAPE_RE = re.compile(r"\\([_%&#~$])")
_URL_RE = re.compile(r"https?://[^\s{}]+")
_PREPRINT_VENUE_RE = re.compile(r"arxiv|\bcorr\b", re.IGNORECASE)

# BibTeX and biblatex entry types as CSL item types (what Zotero and citeproc make of them).
ITEM_TYPES = {
    "article": "article-journal",
    "suppperiodical": "article-journal",
    "periodical": "periodical",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "incollection": "chapter",
    "inbook": "chapter",
    "bookinbook": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "book": "book",
    "mvbook": "book",
    "collection": "book",
    "mvcollection": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "reference": "book",
    "mvreference": "book",
    "inreference": "entry-encyclopedia",
    "booklet": "pamphlet",
    "manual": "report",
    "techreport": "report",
    "report": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "masterthesis": "thesis",  # common misspellings and variants that real files carry
    "bachelorthesis": "thesis",
    "thesis": "thesis",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "unpublished": "manuscript",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
    "standard": "standard",
    "review": "review",
    "letter": "personal_communication",
    "movie": "motion_picture",
    "video": "motion_picture",
    "audio": "song",
    "music": "song",
    "image": "graphic",
    "artwork": "graphic",
    "preprint": "article",
    "misc": "document",
}
_PREPRINT_HOSTS = frozenset({"misc", "unpublished", "online", "electronic", "www", "preprint", "article"})
_JOURNAL_TYPES = frozenset({"article-journal", "periodical", "article"})


def parse_bibtex(text: str, folder: Path | None = None) -> ImportedFile:
    """The file's records (read as they are iterated), what was skipped, its JabRef groups as
    collections (complete once the records are read) and the PDFs its ``file`` fields name (relative
    ones are looked for in ``folder``, the .bib file's own). Iterating raises FormatError only when no
    entry at all could be read."""
    groups = jabref_groups(text)
    imported = ImportedFile("bibtex", [])
    imported.records = _records(text, folder, groups, imported)
    return imported


def _records(
    text: str, folder: Path | None, groups: list[JabrefGroup], imported: ImportedFile
) -> Iterator[PaperRecord]:
    read = 0
    for n, item in enumerate(iter_entries(text), 1):
        if n % CHUNK_BLOCKS == 0:
            _free_decoder_cycles()
        if isinstance(item, BrokenBlock):
            imported.skipped.append(Skipped(f"line {item.line}", item.reason))
            continue
        record = _record(item)
        if isinstance(record, Skipped):
            imported.skipped.append(record)
            continue
        key = paper_key(record)
        pdf = attached_pdf(item.fields, folder)
        if pdf is not None:
            imported.attachments.append((key, pdf))
        for group in groups:
            if group.holds(item):
                group.papers.append(key)
        read += 1
        yield record
    _free_decoder_cycles()
    imported.collections = [CollectionRecord(g.name, list(dict.fromkeys(g.papers))) for g in groups]
    if not read:
        raise nothing_read("BibTeX", imported.skipped)


def _free_decoder_cycles() -> None:
    """pylatexenc's parse trees are reference cycles. A caller that paused the collector for a big
    import (``sync.gc_paused``) would keep every one of them (2 GB for 100k entries), so each piece's
    are freed here: only the youngest generation, what this piece made, is looked at."""
    if not gc.isenabled():
        gc.collect(0)


def _where(entry: RawEntry) -> str:
    return f"line {entry.line} ({entry.key})" if entry.key else f"line {entry.line}"


def _record(entry: RawEntry) -> PaperRecord | Skipped:
    fields = entry.fields

    def text(*names: str) -> str:
        return next((normalize_space(latex_to_text(fields[n])) for n in names if fields.get(n)), "")

    title = text("title")
    if not title:
        return Skipped(_where(entry), "no title")
    subtitle = text("subtitle")
    found = _arxiv_id(fields)
    item_type = _item_type(entry.entry_type, found, fields)
    venue = text("journaltitle", "journal") if item_type in _JOURNAL_TYPES else ""
    venue = venue or text("booktitle", "journaltitle", "journal")
    abstract = normalize_abstract(latex_to_text(fields["abstract"])) if "abstract" in fields else ""
    primary = _verbatim(fields.get("primaryclass") or fields.get("eprintclass") or "")
    primary = clean_category(primary) or ""
    url = _url(fields)
    published, precision = _published(fields)
    return PaperRecord(
        source=SOURCE,
        title=f"{title}: {subtitle}" if subtitle else title,
        abstract=abstract or None,
        arxiv_id=found.base if found else None,
        version=found.version if found else None,
        doi=clean_doi(_verbatim(fields.get("doi", ""))),
        authors=_names(fields.get("author", "")),
        categories=[primary] if primary else [],
        primary_category=primary or None,
        published=published,
        date_precision=precision,
        code_url=find_code_link(url) or find_code_link(abstract),
        item_type=item_type,
        venue=venue or None,
        volume=text("volume") or None,
        issue=(text("number", "issue") if item_type in _JOURNAL_TYPES else text("issue")) or None,
        pages=page_range(text("pages")),
        publisher=text("publisher", "institution", "school", "organization") or None,
        url=url,
        keywords=split_keywords(text("keywords")),
        editors=_names(fields.get("editor", "")),
    )


def _verbatim(value: str) -> str:
    """A verbatim field (URL, DOI, eprint) as written: ``\\url{}`` unwrapped, ``\\_``-style escapes
    that some tools write anyway undone, braces dropped."""
    value = value.strip()
    wrapped = _URL_MACRO_RE.match(value)
    value = wrapped.group(1) if wrapped else value
    return _VERBATIM_ESCAPE_RE.sub(r"\1", value).replace("{", "").replace("}", "").strip()


def _url(fields: dict[str, str]) -> str | None:
    for name in ("url", "bdsk-url-1"):
        url = _verbatim(fields.get(name, ""))
        if url:
            return url
    found = _URL_RE.search(_verbatim(fields.get("howpublished", "")))
    return found.group(0) if found else None


def _arxiv_id(fields: dict[str, str]) -> ArxivId | None:
    """``eprint`` (with ``primaryClass`` for old bare numbers), then URLs, the arXiv DOI, mentions."""
    prefix = _verbatim(fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").lower()
    eprint = _verbatim(fields.get("eprint", "")) if prefix == "arxiv" else ""
    ids = [eprint, _verbatim(fields.get("arxivid", ""))]
    primary = _verbatim(fields.get("primaryclass") or fields.get("eprintclass") or "")
    if eprint.isdigit() and primary:
        ids.append(f"{primary.split('.')[0]}/{eprint}")
    ids += [_verbatim(fields.get("url", "")), _verbatim(fields.get("doi", ""))]
    prose = ("journal", "journaltitle", "note", "howpublished")
    return arxiv_in(ids, (fields.get(name, "") for name in prose))


def _item_type(entry_type: str, found: ArxivId | None, fields: dict[str, str]) -> str | None:
    """The CSL type; a preprint (an arXiv id with no other venue) is CSL's ``article``."""
    venue = fields.get("journal") or fields.get("journaltitle") or ""
    if found and entry_type in _PREPRINT_HOSTS and (not venue or _PREPRINT_VENUE_RE.search(venue)):
        return "article"
    item_type = ITEM_TYPES.get(entry_type)
    if item_type == "document" and (fields.get("url") or "http" in fields.get("howpublished", "")):
        return "webpage"
    return item_type


def _names(raw: str) -> list[str]:
    """``Last, First and ...`` -> ``First Last`` (von and Jr. parts in reading order, a braced
    ``{Corporate Name}`` whole); odd names are kept as written, never refused."""
    names = []
    for person in split_multiple_persons_names(raw):
        if person.strip().lower() == "others":
            continue  # BibTeX's "et al."
        parts = parse_single_name_into_parts(person, strict=False)
        name = normalize_space(latex_to_text(parts.merge_first_name_first))
        if name:
            names.append(name)
    return names


def _published(fields: dict[str, str]) -> tuple[datetime | None, DatePrecision | None]:
    if fields.get("date"):
        return iso_dated(_verbatim(fields["date"]))
    year = _YEAR_RE.search(fields.get("year", ""))
    month = month_number(fields.get("month", ""))
    day = fields.get("day", "").strip(" {}")
    return dated(int(year.group(1)) if year else None, month, int(day) if day.isdigit() else None)

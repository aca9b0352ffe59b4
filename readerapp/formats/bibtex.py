"""BibTeX to PaperRecord through bibtexparser 2.x, with LaTeX decoded (``{\\"o}`` becomes ``ö``).

BibTeX from reference managers and Google Scholar hides the arXiv id in different places (``eprint``,
a URL, the arXiv DOI, ``journal = {arXiv preprint arXiv:...}``); all are tried so a paper merges with
the feeds. A file with a broken entry is refused whole, naming the line: importing the rest would
quietly lose a paper. Keywords are the author's or the tool's, not the user's tags, so they are ignored.

The decoder is bibtexparser's own plus the text macros our BibTeX export writes for characters LaTeX
treats specially and pylatexenc does not read as written: ``\\textbraceleft``/``\\textbraceright`` (a
stray brace, which pylatexenc drops) and ``\\textasciicircum`` (which it reads as the modifier ``ˆ``),
so an export read back gives the same text.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

import bibtexparser
from bibtexparser import model
from bibtexparser.middlewares import LatexDecodingMiddleware
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from readerapp.errors import FormatError
from readerapp.formats.dates import month_number
from readerapp.ids import ArxivId, parse_arxiv_id
from readerapp.records import PaperRecord
from readerapp.text import find_code_link, normalize_abstract, normalize_space

SOURCE = "bibtex"
_ARXIV_MENTION_RE = re.compile(r"\barxiv\s*[:/]?\s*(\S+)", re.IGNORECASE)
_DOI_PREFIX_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_YEAR_RE = re.compile(r"\b(\d{4})\b")


def parse_bibtex(text: str) -> list[PaperRecord]:
    """Every entry as a record, in file order; FormatError for a malformed entry or an empty file."""
    library = _parse(text)
    entries = list(library.entries)
    for block in library.failed_blocks:
        duplicate = block.ignore_error_block if isinstance(block, model.DuplicateBlockKeyBlock) else None
        if isinstance(duplicate, model.Entry):
            entries.extend(_parse(duplicate.raw or "").entries)  # same key, another paper
        else:
            raise FormatError(f"BibTeX entry at line {_line(block)} is malformed ({_reason(block)})")
    if not entries:
        raise FormatError("no BibTeX entries found")
    entries.sort(key=lambda entry: entry.start_line or 0)
    return [_record(entry) for entry in entries]


class _ReportedAsFormatError(logging.Filter):
    """The splitter logs each failed block; ``parse_bibtex`` raises one FormatError for it instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


logging.getLogger("bibtexparser.splitter").addFilter(_ReportedAsFormatError())


def _decoder() -> LatexNodes2Text:
    """bibtexparser's default decoder (URLs unwrapped, math kept verbatim) with our export's macros."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "readerapp-bibtex",
        prepend=True,
        macros=[
            MacroTextSpec("url", simplify_repl="%s"),
            MacroTextSpec("textbraceleft", simplify_repl="{"),
            MacroTextSpec("textbraceright", simplify_repl="}"),
            MacroTextSpec("textasciicircum", simplify_repl="^"),
        ],
    )
    return LatexNodes2Text(latex_context=context, keep_braced_groups=False, math_mode="verbatim")


_DECODER = _decoder()


def _parse(text: str) -> bibtexparser.Library:
    return bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware(decoder=_DECODER)])


def _line(block: model.Block) -> int:
    """bibtexparser counts lines from 0."""
    return (block.start_line or 0) + 1


def _reason(block: model.ParsingFailedBlock) -> str:
    error = block.error
    detail = normalize_space(str(error)) if error and str(error) else type(error).__name__
    if isinstance(block, model.ParsingFailedBlock) and "BlockAborted" in detail:
        detail = "unbalanced braces or quotes, or the file is cut off"
    return detail[:120]


def _record(entry: model.Entry) -> PaperRecord:
    fields = {key.lower(): normalize_space(str(field.value)) for key, field in entry.fields_dict.items()}
    title = fields.get("title", "")
    if not title:
        raise FormatError(f"BibTeX entry {entry.key!r} (line {_line(entry)}) has no title")
    found = _arxiv_id(fields)
    abstract = normalize_abstract(str(entry.fields_dict["abstract"].value)) if "abstract" in fields else ""
    primary = fields.get("primaryclass") or None
    venue = fields.get("journal") or fields.get("booktitle") or ""
    return PaperRecord(
        source=SOURCE,
        title=title,
        abstract=abstract or None,
        arxiv_id=found.base if found else None,
        version=found.version if found else None,
        doi=_doi(fields.get("doi")),
        authors=_authors(str(entry.fields_dict["author"].value) if "author" in fields else ""),
        categories=[primary] if primary else [],
        primary_category=primary,
        published=_published(fields),
        code_url=find_code_link(fields.get("url")) or find_code_link(abstract),
        journal_ref=venue if venue and not re.search(r"arxiv|\bcorr\b", venue, re.IGNORECASE) else None,
    )


def _arxiv_id(fields: dict[str, str]) -> ArxivId | None:
    """``eprint`` (with ``primaryClass`` for old bare numbers), then URLs, the arXiv DOI, mentions."""
    prefix = fields.get("archiveprefix", "arxiv").lower()
    eprint = fields.get("eprint", "") if prefix == "arxiv" else ""
    candidates = [eprint, fields.get("arxivid", "")]
    if eprint.isdigit() and fields.get("primaryclass"):
        candidates.append(f"{fields['primaryclass'].split('.')[0]}/{eprint}")
    candidates += [fields.get("url", ""), fields.get("doi", "")]
    for text in (fields.get(key, "") for key in ("journal", "note", "howpublished")):
        candidates += _ARXIV_MENTION_RE.findall(text)
    for candidate in candidates:
        found = parse_arxiv_id(candidate.rstrip(".,;")) if candidate else None
        if found:
            return found
    return None


def _doi(text: str | None) -> str | None:
    """The DOI without a resolver prefix; arXiv's own DOI is only the id again, so it is dropped."""
    doi = _DOI_PREFIX_RE.sub("", text or "").strip()
    if not doi.startswith("10.") or doi.lower().startswith("10.48550/arxiv."):
        return None
    return doi


def _authors(raw: str) -> list[str]:
    """``Last, First and ...`` -> ``First Last``; odd names are kept as written, never refused."""
    names = []
    for person in split_multiple_persons_names(raw):
        if person.strip().lower() == "others":
            continue  # BibTeX's "et al."
        name = normalize_space(parse_single_name_into_parts(person, strict=False).merge_first_name_first)
        if name:
            names.append(name.replace("{", "").replace("}", ""))
    return names


def _published(fields: dict[str, str]) -> datetime | None:
    """The year (and month when given; else January) as the first day of that month, in UTC."""
    year = _YEAR_RE.search(fields.get("year", ""))
    if not year or not 1000 <= int(year.group(1)) <= 9999:
        return None
    return datetime(int(year.group(1)), month_number(fields.get("month", "")) or 1, 1, tzinfo=UTC)

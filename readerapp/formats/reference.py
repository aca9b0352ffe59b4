"""What the reference formats (BibTeX, RIS, CSL-JSON) share once a reader has its fields: one rule for
pages, dates and their precision, keywords, DOIs and the arXiv id a reference manager hid somewhere.

Each reader maps its own names onto these, so the same paper read from any of the three gives the same
record (and a merge sees no false change).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from readerapp.errors import FormatError
from readerapp.ids import ArxivId, parse_arxiv_id
from readerapp.ids import clean_doi as valid_doi
from readerapp.records import DatePrecision, Skipped
from readerapp.text import normalize_space

_ARXIV_MENTION_RE = re.compile(r"\barxiv\s*[:/]?\s*(\S+)", re.IGNORECASE)
_RANGE_DASH_RE = re.compile(r"\s*(?:-+|[\u2010-\u2015\u2212])\s*")
_KEYWORD_SPLIT_RE = re.compile(r"\s*[,;]\s*")
_DATE_RE = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")

# CSL's item types (the CSL data schema's list): what every reader maps its own types onto.
_CSL_TYPE_NAMES = (
    "article article-journal article-magazine article-newspaper bill book broadcast chapter classic "
    "collection dataset document entry entry-dictionary entry-encyclopedia event figure graphic hearing "
    "interview legal_case legislation manuscript map motion_picture musical_score pamphlet "
    "paper-conference patent performance periodical personal_communication post post-weblog regulation "
    "report review review-book software song speech standard thesis treaty webpage"
)
CSL_TYPES = frozenset(_CSL_TYPE_NAMES.split())


def clean_doi(text: str | None) -> str | None:
    """A reference's DOI, checked as every DOI coming in is (``ids.clean_doi``); arXiv's own DOI is only
    the arXiv id again, so it is dropped."""
    doi = valid_doi(text)
    return None if doi is None or doi.lower().startswith("10.48550/arxiv.") else doi


def arxiv_in(ids: Iterable[str], prose: Iterable[str] = ()) -> ArxivId | None:
    """The first of ``ids`` that is an arXiv id (as an id, URL or arXiv DOI), else one mentioned as
    ``arXiv:...`` in free text such as a journal name or a note."""
    candidates = [c for c in ids if c]
    for text in prose:
        candidates += _ARXIV_MENTION_RE.findall(text or "")
    for candidate in candidates:
        found = parse_arxiv_id(candidate.rstrip(".,;"))
        if found:
            return found
    return None


def page_range(text: str | None) -> str | None:
    """Pages as CSL writes them: ``12-34`` for BibTeX's ``12--34``, an en dash or spaced hyphens."""
    pages = normalize_space(text)
    return _RANGE_DASH_RE.sub("-", pages) or None


def split_keywords(text: str | Iterable[str] | None) -> list[str]:
    """Keywords from a ``,``- or ``;``-separated field or a list, each once, in order."""
    parts = _KEYWORD_SPLIT_RE.split(text) if isinstance(text, str) else list(text or [])
    return list(dict.fromkeys(k for k in (normalize_space(p) for p in parts) if k))


def dated(
    year: int | None, month: int | None = None, day: int | None = None
) -> tuple[datetime | None, DatePrecision | None]:
    """A date as a UTC midnight with the precision the source gave (a missing month is January 1st);
    an impossible one keeps what is sound (Feb 30 is February, month 13 only the year)."""
    if year is None or not 1000 <= year <= 9999:
        return None, None
    if month is None or not 1 <= month <= 12:
        return datetime(year, 1, 1, tzinfo=UTC), "year"
    if day is not None:
        try:
            return datetime(year, month, day, tzinfo=UTC), "day"
        except ValueError:
            pass
    return datetime(year, month, 1, tzinfo=UTC), "month"


def iso_dated(text: str | None) -> tuple[datetime | None, DatePrecision | None]:
    """``2020``, ``2020-05``, ``2020-05-12`` (``/`` too; the start of a range ``2020/2021``)."""
    match = _DATE_RE.match(text or "")
    if not match:
        return None, None
    year, month, day = (int(part) if part else None for part in match.groups())
    return dated(year, month, day)


def person(*parts: str | None) -> str:
    """A display name from its parts in reading order (given, particles, family, suffix)."""
    return normalize_space(" ".join(p for p in parts if p))


def existing_pdf(paths: Iterable[str], folder: Path | None) -> Path | None:
    """The first of ``paths`` (plain, ``~``, or ``file://`` URLs; relative ones from ``folder``, the
    imported file's) that is a PDF on disk; None without a folder (text that came from no file)."""
    if folder is None:
        return None
    for candidate in paths:
        if candidate.lower().startswith("file://"):
            candidate = unquote(urlsplit(candidate).path)
        try:
            path = Path(candidate).expanduser()
            path = path if path.is_absolute() else folder / path
            if path.suffix.lower() == ".pdf" and path.is_file():
                return path
        except (OSError, RuntimeError, ValueError):  # a home that cannot be found, a NUL in the name
            continue
    return None


def nothing_read(kind: str, skipped: list[Skipped]) -> FormatError:
    """The one-line error for a reference file of which nothing could be read: the first reason and
    how many more (the file is refused; a file with anything readable is imported and reports these)."""
    if not skipped:
        return FormatError(f"no {kind} entries found")
    first = skipped[0]
    more = f" (and {len(skipped) - 1} more)" if len(skipped) > 1 else ""
    return FormatError(f"no {kind} entry could be read: {first.where}: {first.reason}{more}")

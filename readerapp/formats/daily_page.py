"""The Daily Papers web page as a user copies it: header lines, a date line, then titles and abstracts.

A pasted page carries no ids, so records keep ``arxiv_id=None`` and the store merges them with the
feeds by normalised title. The layout is loose (blank lines may or may not separate a title from its
abstract), so paragraphs are paired by shape rather than by counting lines.
"""

from __future__ import annotations

import re
from datetime import date

from readerapp.errors import FormatError
from readerapp.formats.dates import month_number
from readerapp.records import PaperRecord
from readerapp.text import find_code_link, normalize_abstract, normalize_space

SOURCE = "page"
DATE_LINE_RE = re.compile(
    r"^\s*(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<day>\d{1,2})"
    r"(?:,?\s+(?P<year>\d{4}))?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_PARAGRAPH_RE = re.compile(r"\n[ \t]*\n")
_NOISE_RE = re.compile(r"^\s*\d+\s*$")  # upvote counts copied along with the titles


def parse_daily_page(text: str, year: int | None = None) -> list[PaperRecord]:
    """Records with title, abstract, code link and the page's day (``year`` or the current one)."""
    found = DATE_LINE_RE.search(text)
    if not found:
        raise FormatError("not a copied Daily Papers page: no date line such as 'Sep 16'")
    feed_day = _day(found, year)
    body = text[found.end() :].replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [lines for lines in (_lines(p) for p in _PARAGRAPH_RE.split(body)) if lines]
    records = []
    i = 0
    while i < len(paragraphs):
        title, *rest = paragraphs[i]
        if not rest and i + 1 < len(paragraphs):
            rest = paragraphs[i + 1]
            i += 1
        i += 1
        abstract = normalize_abstract("\n".join(rest))
        records.append(
            PaperRecord(
                source=SOURCE,
                title=normalize_space(title),
                abstract=abstract or None,
                feed_day=feed_day,
                code_url=find_code_link(abstract),
            )
        )
    return records


def _lines(paragraph: str) -> list[str]:
    return [line for line in paragraph.split("\n") if line.strip() and not _NOISE_RE.match(line)]


def _day(found: re.Match[str], year: int | None) -> date:
    month = month_number(found["month"]) or 1  # the pattern admits only month names
    in_year = int(found["year"]) if found["year"] else year or date.today().year
    try:
        return date(in_year, month, int(found["day"]))
    except ValueError:
        raise FormatError(f"date line {found.group(0).strip()!r} is not a real day in {in_year}") from None

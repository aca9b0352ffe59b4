"""The Daily Papers web page as a user copies it: header lines, a date line, then titles and abstracts.

A pasted page carries no ids, so records keep ``arxiv_id=None`` and the store merges them with the
feeds by normalised title. Its date line usually has no year ("Sep 16"): the page is then taken to be
from the nearest such day that is not in the future (a page is copied after its day, never before), and
a later source with the real date corrects the feed day (``store.merge_rules``). The layout is loose
(blank lines may or may not separate a title from its abstract), so paragraphs are paired by shape
rather than by counting lines.
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


def parse_daily_page(text: str, year: int | None = None, today: date | None = None) -> list[PaperRecord]:
    """Records with title, abstract, code link and the page's day: in the year the date line names,
    else in ``year``, else the nearest such day up to ``today``."""
    found = DATE_LINE_RE.search(text)
    if not found:
        raise FormatError("not a copied Daily Papers page: no date line such as 'Sep 16'")
    feed_day = _day(found, int(found["year"]) if found["year"] else year, today or date.today())
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


def _day(found: re.Match[str], year: int | None, today: date) -> date:
    month = month_number(found["month"]) or 1  # the pattern admits only month names
    line = found.group(0).strip()
    if year is not None:
        try:
            return date(year, month, int(found["day"]))
        except ValueError:
            raise FormatError(f"date line {line!r} is not a real day in {year}") from None
    for back in range(9):  # a February 29 is at most 8 years back (1896 to 1904)
        try:
            day = date(today.year - back, month, int(found["day"]))
        except ValueError:
            continue
        if day <= today:
            return day
    raise FormatError(f"date line {line!r} is not a real day")

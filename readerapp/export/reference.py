"""A paper as a reference, the one shape every citation format (BibTeX, RIS, CSL-JSON) is written from:
its item type, venue, volume, pages and so on (issue 11), and its date only as precise as it is known.

The reference fields are read here and nowhere else, so each format maps the same values its own way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from readerapp.paper import Paper

_PAGE_DASH = re.compile(r"\s*(?:-+|–|—)\s*")
# The CSL 1.0.2 item types: a stored type outside them (another tool's own) is written as "article".
CSL_TYPES = frozenset(
    [
        "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast",
        "chapter", "classic", "collection", "dataset", "document", "entry", "entry-dictionary",
        "entry-encyclopedia", "event", "figure", "graphic", "hearing", "interview", "legal_case",
        "legislation", "manuscript", "map", "motion_picture", "musical_score", "pamphlet", "paper-conference",
        "patent", "performance", "periodical", "personal_communication", "post", "post-weblog", "regulation",
        "report", "review", "review-book", "software", "song", "speech", "standard", "thesis", "treaty",
        "webpage",
    ]
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Reference:
    """``item_type`` is a CSL type (``article`` for a preprint, the default); ``issued`` the date parts
    the source gave: (year,), (year, month) or (year, month, day), or () when the paper has no date."""

    item_type: str
    venue: str | None
    volume: str | None
    issue: str | None
    pages: str | None
    publisher: str | None
    url: str | None
    keywords: tuple[str, ...]
    editors: tuple[str, ...]
    issued: tuple[int, ...]

    @property
    def page_range(self) -> tuple[str, str | None] | None:
        """(first, last) page: ``"12--34"`` gives ("12", "34"), ``"e1003"`` gives ("e1003", None)."""
        if not self.pages:
            return None
        first, _, last = _PAGE_DASH.sub("-", self.pages.strip(), count=1).partition("-")
        return first, last or None


def _text(value: str | None) -> str | None:
    return value.strip() or None if value else None


def _texts(values: list[str]) -> tuple[str, ...]:
    return tuple(v.strip() for v in values if v.strip())


def issued(paper: Paper) -> tuple[int, ...]:
    """The date parts of ``published`` cut to the precision the source gave (a feed day is a day)."""
    if paper.published is None:
        day = paper.feed_day
        return (day.year, day.month, day.day) if day is not None else ()
    when = paper.published
    precision = paper.date_precision or "day"
    return {"year": (when.year,), "month": (when.year, when.month)}.get(
        precision, (when.year, when.month, when.day)
    )


def reference(paper: Paper) -> Reference:
    """The paper's reference fields (see ``Reference``)."""
    return Reference(
        item_type=item_type if (item_type := _text(paper.item_type)) in CSL_TYPES else "article",
        venue=_text(paper.venue),
        volume=_text(paper.volume),
        issue=_text(paper.issue),
        pages=_text(paper.pages),
        publisher=_text(paper.publisher),
        url=_text(paper.url),
        keywords=_texts(paper.keywords),
        editors=_texts(paper.editors),
        issued=issued(paper),
    )

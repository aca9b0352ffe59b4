"""Which value of one field a merge keeps: a field is replaced only by a better value, so a merge only
ever adds knowledge (issue 11).

Sources are ranked (``upsert.SOURCE_PRIORITY``): one at least as authoritative as every source that
described a paper may replace its metadata, a less authoritative one only fills gaps. On top of that, a
value is never replaced by one that knows less, whatever its source:

- an author or editor list is not cut by a shorter one, nor replaced by one ending in "others" or
  "et al." (BibTeX's ``and others``); a longer list that starts with the same people is taken from any
  source, and so is a whole list for one that ended in "et al.";
- an abstract is not replaced by a shorter one;
- a date is not replaced by a less precise one (a year never replaces a day), and a more precise date
  that agrees with the one kept is taken from any source;
- keywords are the union of every source's;
- the feed day is corrected only by a more authoritative source: the copied Daily Papers page has to
  guess the year its "Sep 16" is in, the API answer knows it.

The one exception is the paper's own newer version from arXiv: a revision may shorten its abstract or
drop an author. What the user made is not metadata and never passes through here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, get_args

from readerapp.records import DatePrecision, PaperRecord
from readerapp.text import title_key

_CUT_MARKS = frozenset({"others", "and others", "et al", "et al.", "et. al.", "etal"})
_PRECISION_RANK = {name: rank for rank, name in enumerate(get_args(DatePrecision), 1)}  # year < month < day
_FULL = _PRECISION_RANK["day"]
_REVISING = frozenset({"arxiv", "arxiv-rss"})  # sources that carry a paper's own versions


@dataclass(frozen=True, slots=True)
class Standing:
    """How a new description of a paper stands against what is kept: at least as authoritative
    (``overrides``), strictly more (``corrects``), or the paper's own newer version (``revises``)."""

    overrides: bool
    corrects: bool
    revises: bool


def standing(record: PaperRecord, priority: int, kept_priority: int, kept_version: int | None) -> Standing:
    """How ``record``, from sources of ``priority``, stands against a paper kept from sources of at most
    ``kept_priority``, at ``kept_version``."""
    revises = record.source in _REVISING and (record.version or 0) > (kept_version or 0)
    return Standing(priority >= kept_priority, priority > kept_priority, revises)


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def merged_value(name: str, kept: Any, new: Any, stand: Standing) -> Any:
    """The value field ``name`` keeps when ``new`` meets ``kept``."""
    if is_empty(new) or new == kept:
        return kept
    if is_empty(kept):
        return new
    return _RULES.get(name, _by_priority)(kept, new, stand)


Dated = tuple[datetime | None, str | None]  # a date and its precision (None: a full date)


def merged_date(kept: Dated, new: Dated, stand: Standing) -> Dated:
    """The publication date and its precision a paper keeps."""
    (old_date, old_precision), (new_date, new_precision) = kept, new
    if new_date is None:
        return kept
    if old_date is None:
        return new
    old_rank, new_rank = _rank(old_precision), _rank(new_precision)
    if new_rank < old_rank:
        return kept
    if new_rank > old_rank and _agrees(old_date, new_date, old_rank):
        return new  # more precise, and the same as far as the kept date says
    return new if stand.overrides else kept


def _rank(precision: str | None) -> int:
    return _PRECISION_RANK.get(precision or "day", _FULL)


def _agrees(kept: datetime, new: datetime, rank: int) -> bool:
    """``new`` says the same as ``kept`` as far as ``kept`` knows (its year, and month if it has one)."""
    return kept.year == new.year and (rank < _PRECISION_RANK["month"] or kept.month == new.month)


def _by_priority(kept: Any, new: Any, stand: Standing) -> Any:
    return new if stand.overrides else kept


def _corrected(kept: Any, new: Any, stand: Standing) -> Any:
    return new if stand.corrects else kept


def _abstract(kept: str, new: str, stand: Standing) -> str:
    if len(new) < len(kept) and not stand.revises:
        return kept
    return _by_priority(kept, new, stand)


def _people(kept: list[str], new: list[str], stand: Standing) -> list[str]:
    if is_cut(new):
        return kept
    if is_cut(kept) and len(new) >= len(kept) - 1:
        return new  # the whole list for an "et al."
    if len(new) < len(kept) and not stand.revises:
        return kept
    if len(new) > len(kept) and _surnames(new[: len(kept)]) == _surnames(kept):
        return new  # the same people and more
    return _by_priority(kept, new, stand)


def is_cut(names: Sequence[str]) -> bool:
    """The list ends in "others" or "et al.": it names only the first authors."""
    return bool(names) and names[-1].strip().lower() in _CUT_MARKS


def _surnames(names: Sequence[str]) -> list[str]:
    """Last names, compared without accents, case or punctuation: one source's "Jürgen Schmidhuber" is
    another's "Jurgen Schmidhuber"."""
    return [(title_key(name).split() or [""])[-1] for name in names]


def _union(kept: list[str], new: list[str], _stand: Standing) -> list[str]:
    seen = {k.casefold() for k in kept}
    more = []
    for keyword in new:
        if keyword.casefold() not in seen:
            seen.add(keyword.casefold())
            more.append(keyword)
    return [*kept, *more] if more else kept


_RULES: dict[str, Callable[[Any, Any, Standing], Any]] = {
    "abstract": _abstract,
    "authors": _people,
    "editors": _people,
    "keywords": _union,
    "feed_day": _corrected,
}

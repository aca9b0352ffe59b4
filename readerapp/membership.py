"""The one rule of which papers a list holds and how the sidebar counts them.

A ``ListFilter`` says what a list admits (a state, starred, a tag, a feed day, a collection). The store
turns it into SQL (``store.queries.filtered_ids_query`` lists by it, ``queries.counts`` counts by the
filters of ``COUNTED``); a window's list controller asks it whether a paper it just edited still
belongs (``admits``) and moves the counts by the same filters (``count_moves``), so the list it shows
before the write and the one the library reads after it never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from readerapp.records import State


class PaperLike(Protocol):
    """What the rule reads of a paper (read-only, so frozen ``Paper`` views qualify)."""

    @property
    def state(self) -> str: ...
    @property
    def starred(self) -> bool: ...
    @property
    def tags(self) -> Sequence[str]: ...
    @property
    def feed_day(self) -> date | None: ...


@dataclass(frozen=True, slots=True)
class ListFilter:
    """The papers of one list: every field set must hold (an empty filter admits every paper)."""

    state: State | None = None  # "inbox" also holds papers the user never triaged
    starred: bool | None = None
    tag: str | None = None  # compared without case, as the sidebar's tag views are
    feed_day: date | None = None
    collection: str | None = None

    def admits(self, paper: PaperLike) -> bool:
        """Whether ``paper`` belongs to the list as it is now. A collection's membership is not a
        field of the paper (no triage key changes it), so a paper in the list stays there."""
        if self.state is not None and paper.state != self.state:
            return False
        if self.starred is not None and bool(paper.starred) != self.starred:
            return False
        if self.tag is not None and self.tag.lower() not in {t.lower() for t in paper.tags}:
            return False
        return self.feed_day is None or paper.feed_day == self.feed_day


@dataclass(frozen=True, slots=True)
class _Untriaged:
    state: str = "inbox"
    starred: bool = False
    tags: tuple[str, ...] = ()
    feed_day: None = None


# A paper this user never triaged (it has no state row): in the inbox, not starred.
UNTRIAGED: PaperLike = _Untriaged()

# The views the sidebar and the status bar count, by name.
COUNTED: Mapping[str, ListFilter] = {
    "all": ListFilter(),
    "inbox": ListFilter(state="inbox"),
    "reading": ListFilter(state="reading"),
    "done": ListFilter(state="done"),
    "archived": ListFilter(state="archived"),
    "starred": ListFilter(starred=True),
}


@dataclass(frozen=True, slots=True)
class CountMoves:
    """How an edit moves the counts: by counted view and by tag (names with no move are left out)."""

    views: dict[str, int]
    tags: dict[str, int]


def count_moves(before: Sequence[PaperLike], after: Sequence[PaperLike]) -> CountMoves:
    """What ``queries.counts`` and ``queries.tag_counts`` would move by when ``before[i]`` becomes
    ``after[i]``: the counted views by their filters, the tags by the names that came or went."""
    views: dict[str, int] = {}
    tags: dict[str, int] = {}
    for old, new in zip(before, after, strict=True):
        for name, where in COUNTED.items():
            move = int(where.admits(new)) - int(where.admits(old))
            if move:
                views[name] = views.get(name, 0) + move
        for name in set(old.tags) ^ set(new.tags):
            tags[name] = tags.get(name, 0) + (1 if name in new.tags else -1)
    return CountMoves({k: n for k, n in views.items() if n}, {k: n for k, n in tags.items() if n})

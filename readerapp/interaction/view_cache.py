"""Each view's id list, kept by the window so that going back to a view shows it at once.

Reading a view's ids costs 0.1-0.7 s at 100k papers; a view switch has 100 ms. An entry is *fresh*
while every change since it was read has been replayed on it: a triage key that moves papers out of a
view removes them from its entry here (``moved``). A paper moving *into* a cached view, a write read
back in the middle of a query, or a change the window cannot replay (a sync, an undo, someone else's
write) makes the entry stale: it still shows at once, and the window re-reads it behind it.
Plain Python, no Qt: the rules are tested without a window.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Protocol

from readerapp.interaction.views import View
from readerapp.membership import PaperLike

Sort = tuple[str, bool] | None  # (library sort or column key, reversed); None: the view's own order
Key = tuple[str, Sort]


class Identified(PaperLike, Protocol):
    """A paper with its public id (what ``moved`` needs to find it in the lists)."""

    @property
    def id(self) -> str: ...


@dataclass(slots=True)
class Entry:
    view: View
    ids: list[str]
    fresh: bool


class ViewCache:
    """Id lists by (view, sort). ``epoch`` counts changes, so a query can tell whether one happened
    while it ran (its answer may then be older than what the window shows)."""

    def __init__(self) -> None:
        self._entries: dict[Key, Entry] = {}
        self.epoch = 0

    def get(self, view: View, sort: Sort) -> Entry | None:
        return self._entries.get((view.key, sort))

    def put(self, view: View, sort: Sort, ids: Sequence[str], *, fresh: bool) -> None:
        """Keep ``ids`` (copied: the caller's list goes on changing) for ``view``."""
        self._entries[(view.key, sort)] = Entry(view, list(ids), fresh)

    def moved(self, before: Sequence[Identified], after: Sequence[Identified], *,
              skip: View | None = None) -> None:
        """Replay an edit (``before[i]`` became ``after[i]``) on every entry but ``skip`` (the view
        on screen, whose list the model keeps itself)."""
        self.epoch += 1
        for entry in self._entries.values():
            if skip is not None and entry.view == skip:
                continue
            for old, new in zip(before, after, strict=True):
                was, now = entry.view.admits(old), entry.view.admits(new)
                if was and not now:
                    with suppress(ValueError):  # a stale entry may never have listed it
                        entry.ids.remove(new.id)
                elif now and not was:
                    entry.fresh = False  # where it goes depends on the sort: read the view again

    def invalidate(self) -> None:
        """Something changed that cannot be replayed: every entry is read again when shown."""
        self.epoch += 1
        for entry in self._entries.values():
            entry.fresh = False

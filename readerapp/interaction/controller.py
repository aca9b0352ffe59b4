"""The paper list without Qt: which view is shown, each view's ids, the counts, the marks, the history.

The window draws what the controller holds and hands it what the user did (Anki's ``aqt`` over
``pylib``). A triage key is applied here first (``apply``): the paper is edited as the write will edit
it, the views it leaves let it go and the counts move, both by the core's rule
(``readerapp.membership``: the one the Library lists and counts by), so the list shows the key's
result before the write and agrees with the library after it. The controller's reads and writes are
plain functions the window runs on its workers (``ids_for``, ``ranked``, ``sidebar``, ``recorded``,
``replay``), so everything here runs, and is tested, on one thread and a real Library.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from readerapp.interaction.history import History
from readerapp.interaction.view_cache import Sort, ViewCache
from readerapp.interaction.views import View, ViewKind
from readerapp.membership import count_moves
from readerapp.paper import Changes, Paper

if TYPE_CHECKING:
    from readerapp.api import CollectionInfo, Hit, Library

SEARCH_LIMIT = 500
FOR_YOU_LIMIT = 200
SIMILAR_LIMIT = 50
PREFETCHED = (ViewKind.INBOX, ViewKind.READING, ViewKind.DONE, ViewKind.ARCHIVED, ViewKind.STARRED)
NATURALLY_DESCENDING = {"feed", "date", "upvotes"}
COUNTED_SHOWN = ("inbox", "reading", "done", "archived", "starred", "all")  # the status bar's order
# How a column shows a paper, by column key: what a column sort the library cannot do sorts by.
ColumnText = Callable[[str, Paper], str]


def with_fields(**changes: Any) -> Callable[[Paper], Paper]:
    """An edit for ``apply``: the paper with some fields replaced."""
    return lambda paper: dataclasses.replace(paper, **changes)


@dataclass(slots=True)
class Sidebar:
    """What the sidebar shows besides the counts: tags, recent feed days, collections and searches."""

    counts: dict[str, int]
    tags: dict[str, int]
    days: list[tuple[date, int]] = field(default_factory=list)
    collections: list[CollectionInfo] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Applied:
    """What a local edit did: the rows as they are now, the ids that left the view, and whether every
    target was on screen (else the view is read again after the write)."""

    after: list[Paper]
    leaving: list[str]
    complete: bool
    counts_moved: bool


class ListController:
    """The state of the window's list over one Library (None until it has opened)."""

    def __init__(self, library: Library | None, column_text: ColumnText) -> None:
        self.library = library
        self._column_text = column_text
        self.view = View(ViewKind.INBOX)
        self.sort: Sort = None  # (library sort or column key, reversed)
        self.views = ViewCache()
        self.sidebar = Sidebar({}, {})
        self.tag_names: list[str] = []  # the sidebar's numbering of the tags (keys 1-9)
        self.why: dict[str, tuple[str, ...]] = {}  # a ranked view: the terms that explain each rank
        self.marking = False  # the selection is marks (x), not the browsing cursor
        self.history: History[Changes] = History()
        self.before_search: tuple[View, str | None] | None = None  # the view a search left, its selection
        self.generation = 0  # queries asked so far: only the newest answer is shown
        self.recount = False  # the counts must be read again after the next write (a new tag)
        self._counts_asked = 0  # reads of the counts asked for so far: only the newest answer is shown
        self._counts_moved = 0  # local count moves (keys): an answer asked before one is stale
        self._own: set[str] = set()  # ids written here that the change watcher has not reported yet

    @property
    def counts(self) -> dict[str, int]:
        return self.sidebar.counts

    # -- views -------------------------------------------------------------------------------------

    def switch(self, view: View, shown: tuple[View, Sort] | None, shown_ids: Sequence[str], *,
               fresh: bool, current: str | None) -> None:
        """Leave the list on screen (``shown``, its ids kept for a quick return) for ``view``."""
        if shown is not None and shown[0].kept:
            self.views.put(*shown, shown_ids, fresh=fresh)
        if view.is_search and not self.view.is_search:
            self.before_search = (self.view, current)
        elif not view.is_search:
            self.before_search = None
        self.view = view
        self.marking = False

    def back_from_search(self) -> tuple[View, str | None]:
        """The view a search started from and the paper selected there (the inbox by default)."""
        return self.before_search or (View(ViewKind.INBOX), None)

    def cached(self) -> tuple[list[str], bool] | None:
        """The shown view's cached ids and whether they are fresh; None when it must be queried."""
        entry = self.views.get(self.view, self.sort) if self.view.kept else None
        return None if entry is None else (entry.ids, entry.fresh)

    def title(self) -> str:
        count = self.counts.get(self.view.kind)
        return f"{self.view.title}" + (f" ({count})" if count is not None else "")

    def shown_collection(self) -> str:
        """The collection or saved search the list shows ("" for any other view): a saved search is
        shown as a search of its query, so its name comes from the sidebar's entries."""
        if self.view.kind is ViewKind.COLLECTION:
            return self.view.value
        if self.view.is_search:
            return next((c.name for c in self.sidebar.collections if c.query == self.view.value), "")
        return ""

    def to_prefetch(self) -> list[View]:
        """The standard views not read yet (the first visit to each is then as quick as a revisit)."""
        views = [View(kind) for kind in PREFETCHED if self.views.get(View(kind), None) is None]
        return [v for v in views if v != self.view or self.sort is not None]

    def prefetched(self, epoch: int, views: Sequence[View], lists: Sequence[list[str]]) -> None:
        for view, ids in zip(views, lists, strict=True):
            if self.views.get(view, None) is None and view != self.view:
                self.views.put(view, None, ids, fresh=epoch == self.views.epoch)

    # -- reads (run on a worker) -------------------------------------------------------------------

    def _library(self) -> Library:
        assert self.library is not None  # reads are asked for only once it is open
        return self.library

    def ids_for(self, view: View, sort: Sort) -> list[str]:
        """The ids of a view in the order the user asked for."""
        library, listing = self._library(), view.listing()
        if listing is None:
            ids = [hit.id for hit in library.search(view.value, limit=SEARCH_LIMIT)]
        else:
            key = sort[0] if sort and sort[0] in NATURALLY_DESCENDING | {"title"} else "feed"
            ids = library.ids_in(listing, sort=key)
        return self._sorted(ids, sort, by_rows=view.is_search)

    def lists_of(self, views: Sequence[View]) -> list[list[str]]:
        """The ids of standard views in their own order (a prefetch)."""
        return [self.ids_for(view, None) for view in views]

    def ranked(self, view: View, sort: Sort) -> list[Hit]:
        """For you or a paper's neighbours, best first (or in the column order the user asked for)."""
        library = self._library()
        if view.kind is ViewKind.SIMILAR:
            hits = library.similar(view.value, limit=SIMILAR_LIMIT)
        else:
            hits = library.for_you(limit=FOR_YOU_LIMIT)
        if sort is None:
            return hits
        by_id = {hit.id: hit for hit in hits}
        return [by_id[i] for i in self._sorted(list(by_id), sort, by_rows=True)]

    def _sorted(self, ids: list[str], sort: Sort, *, by_rows: bool) -> list[str]:
        """Apply a column sort the library could not (or, for ranked lists, did not) do."""
        if sort is None:
            return ids
        key, backwards = sort
        if key not in NATURALLY_DESCENDING | {"title"} or by_rows:
            rows = {p.id: p for p in self._library().rows(ids)}
            ids = sorted(ids, key=lambda i: self._column_text(key, rows[i]).lower() if i in rows else "")
        return ids[::-1] if backwards else ids

    def read_sidebar(self) -> Sidebar:
        """Every count, the tags, the feed days and the collections, read again."""
        library = self._library()
        return Sidebar(library.counts(), library.tag_counts(), library.feed_days(), library.collections())

    # -- counts ------------------------------------------------------------------------------------

    def ask_counts(self) -> tuple[int, int]:
        """A read of the counts is asked for: what tells its answer from a stale one."""
        self._counts_asked += 1
        return self._counts_asked, self._counts_moved

    def take_sidebar(self, answer: Sidebar, asked: tuple[int, int]) -> bool | None:
        """Keep a read's answer unless it describes the past: True when kept, None when a newer read is
        on its way, False when a key moved the counts since it was asked (read them again).

        Reads run side by side, so answers can arrive out of order: one asked before a newer read, or
        before a key moved the counts locally, must not overwrite the present (the first load's slow
        answer once wiped the tags a key had just added)."""
        number, moved = asked
        if number != self._counts_asked:
            return None
        if moved != self._counts_moved:
            return False
        self.sidebar = answer
        self.tag_names = list(answer.tags)
        return True

    def status_counts(self) -> str:
        return "  ·  ".join(f"{n.capitalize()} {self.counts.get(n, 0)}" for n in COUNTED_SHOWN)

    # -- local edits -------------------------------------------------------------------------------

    def apply(self, ids: Sequence[str], before: Sequence[Paper], edit: Callable[[Paper], Paper]) -> Applied:
        """Apply an edit to the rows on screen (``before``, those of ``ids`` that have arrived) as the
        write will: every cached view it leaves or joins learns of it, the counts move, and the ids
        that leave the shown view are returned."""
        after = [edit(p) for p in before]
        self.views.moved(before, after, skip=self.view)
        leaving = [new.id for new in after if not self.view.admits(new)]
        if leaving:
            self.marking = False
        moved = self._move_counts(before, after)
        return Applied(after, leaving, len(before) == len(ids), moved)

    def _move_counts(self, before: Sequence[Paper], after: Sequence[Paper]) -> bool:
        moves = count_moves(before, after)
        if not moves.views and not moves.tags:
            return False
        counts = dict(self.counts)
        for name, n in moves.views.items():
            counts[name] = counts.get(name, 0) + n
        tags = dict(self.sidebar.tags)
        for name, n in moves.tags.items():
            tags[name] = tags.get(name, 0) + n
        tags = {name: n for name, n in tags.items() if n > 0}
        self._counts_moved += 1
        if set(tags) != set(self.tag_names):
            # A tag came or went: the library decides the numbering (1-9 keys), read it after the write.
            self.recount = True
            self.tag_names = list(tags)
        self.sidebar = Sidebar(counts, tags, self.sidebar.days, self.sidebar.collections)
        return True

    # -- writes (run on the writer) ----------------------------------------------------------------

    def recorded(self, job: Callable[[], Changes]) -> Callable[[], Changes]:
        """Wrap a write so its change lands on the undo stack, on the writer thread, in order: ``u``
        pressed right after ``r`` undoes ``r`` even when ``r`` had not been written yet."""

        def run() -> Changes:
            changes = job()
            if not changes.empty:
                self.history.record(changes)
            return changes

        return run

    def replay(self, which: Literal["undo", "redo"], said: list[str]) -> Callable[[], Changes | None]:
        """The job of an undo or redo, in one transaction: its inverse (None when there was nothing to
        do), with the action undone or redone appended to ``said`` ("archive 3 papers"). One that fails
        changed nothing and stays."""
        history, library = self.history, self._library()

        def job() -> Changes | None:
            done = history.replay(which, library.undo)
            if done is None:
                return None
            # Undo: the redo record's inverse is the action itself. Redo: the record replayed is.
            said.append((done[1] if which == "undo" else done[0]).describe())
            return done[1]

        return job

    def written(self, ids: Sequence[str]) -> None:
        """These ids were written here: the change watcher's report of them is not someone else's."""
        self._own.update(ids)

    def theirs(self, ids: Sequence[str]) -> list[str]:
        """Of the ids the change watcher reports, those someone else changed."""
        others = [i for i in ids if i not in self._own]
        self._own.difference_update(ids)
        return others

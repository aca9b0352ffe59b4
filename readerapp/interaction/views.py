"""The views the sidebar offers, and which papers each holds.

A view is a value (``inbox``, ``tag:llm``, ``day:2025-09-16``...), so it can be persisted as the last
view, named in a ``go`` command, and compared. Which papers it holds is the core's rule
(``readerapp.membership.ListFilter``): the Library lists a view by it, and ``admits`` lets the list
controller drop a paper the moment a triage key moves it out, without re-running the query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from readerapp.interaction.registry import CommandError
from readerapp.membership import ListFilter, PaperLike
from readerapp.records import State


class ViewKind(StrEnum):
    """What a view shows: a standard list, or one of the kinds that take a value (``tag:llm``)."""

    INBOX = "inbox"
    FOR_YOU = "for-you"
    READING = "reading"
    DONE = "done"
    ARCHIVED = "archived"
    STARRED = "starred"
    ALL = "all"
    TAG = "tag"
    COLLECTION = "collection"
    SEARCH = "search"
    DAY = "day"
    SIMILAR = "similar"


STANDARD: dict[ViewKind, str] = {
    ViewKind.INBOX: "Inbox", ViewKind.FOR_YOU: "For you", ViewKind.READING: "Reading",
    ViewKind.DONE: "Done", ViewKind.ARCHIVED: "Archived", ViewKind.STARRED: "Starred",
    ViewKind.ALL: "All papers",
}  # fmt: skip
# The kinds that take a value, with the label of their title.
VALUED: dict[ViewKind, str] = {ViewKind.TAG: "Tag", ViewKind.COLLECTION: "Collection",
                               ViewKind.SEARCH: "Search", ViewKind.DAY: "Feed",
                               ViewKind.SIMILAR: "Similar to"}  # fmt: skip
# Lists ranked by the index, each paper with the terms that explain its place: what the detail pane
# says above a paper's title.
RANKED: dict[ViewKind, str] = {ViewKind.FOR_YOU: "For you because of",
                               ViewKind.SIMILAR: "Similar because of"}  # fmt: skip
# The views of one state (For you ranks the inbox).
_STATES: dict[ViewKind, State] = {ViewKind.INBOX: "inbox", ViewKind.FOR_YOU: "inbox",
                                  ViewKind.READING: "reading", ViewKind.DONE: "done",
                                  ViewKind.ARCHIVED: "archived"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class View:
    """One list the window can show: a standard view, or a kind with a value (``tag:llm``)."""

    kind: ViewKind
    value: str = ""

    def __post_init__(self) -> None:
        # A kind spelled as its word (``View("inbox")``, a persisted key) becomes the member, so
        # ``kind is ViewKind.INBOX`` holds however the view was made; an unknown word raises here.
        object.__setattr__(self, "kind", ViewKind(self.kind))

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}" if self.kind in VALUED else str(self.kind)

    @property
    def title(self) -> str:
        if self.kind in STANDARD:
            return STANDARD[self.kind]
        return f"{VALUED[self.kind]}: {self.value}"

    @property
    def is_search(self) -> bool:
        return self.kind is ViewKind.SEARCH

    @property
    def is_ranked(self) -> bool:
        return self.kind in RANKED

    @property
    def kept(self) -> bool:
        """Whether the view's ids are cached for a quick return: not a search's or one paper's
        neighbours (asked for once, each with its own value)."""
        return self.kind not in (ViewKind.SEARCH, ViewKind.SIMILAR)

    def listing(self) -> ListFilter | None:
        """What the Library lists this view by; None for a search and the ranked views (queried
        otherwise)."""
        if self.kind is ViewKind.SEARCH or self.is_ranked:
            return None
        return self._members()

    def admits(self, paper: PaperLike) -> bool:
        """Whether ``paper`` still belongs here after a change (search results and a paper's neighbours
        always stay; For you ranks the inbox)."""
        members = self._members()
        return members is None or members.admits(paper)

    def _members(self) -> ListFilter | None:
        kind, value = self.kind, self.value
        if kind in _STATES:
            return ListFilter(state=_STATES[kind])
        if kind is ViewKind.STARRED:
            return ListFilter(starred=True)
        if kind is ViewKind.TAG:
            return ListFilter(tag=value)
        if kind is ViewKind.COLLECTION:
            return ListFilter(collection=value)
        if kind is ViewKind.DAY:
            return ListFilter(feed_day=date.fromisoformat(value))
        return ListFilter() if kind is ViewKind.ALL else None


def parse_view(key: str) -> View:
    """``inbox`` or ``tag:llm`` back into a View; a clear error for anything else."""
    if key in STANDARD:
        return View(ViewKind(key))
    kind, sep, value = key.partition(":")
    if sep and kind in VALUED and value:
        if kind == ViewKind.DAY:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise CommandError(f"not a feed day: {value!r} (use YYYY-MM-DD)") from None
        return View(ViewKind(kind), value)
    names = ", ".join([*STANDARD, *(f"{k}:NAME" for k in VALUED)])
    raise CommandError(f"no such view: {key!r} (views: {names})")

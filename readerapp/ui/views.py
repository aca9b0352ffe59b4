"""The views the sidebar offers and the rule that says whether a paper still belongs in one.

A view is a value (``inbox``, ``tag:llm``, ``day:2025-09-16``...), so it can be persisted as the last
view, named in a ``go`` command, and compared. ``admits`` lets the window drop a paper from the list
the moment a triage key moves it out, without re-running the query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from readerapp.records import STATES
from readerapp.ui.commands import CommandError


class PaperLike(Protocol):
    """What ``admits`` reads (read-only, so frozen ``Paper`` rows qualify)."""

    @property
    def state(self) -> str: ...
    @property
    def starred(self) -> bool: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def feed_day(self) -> date | None: ...


STANDARD: dict[str, str] = {
    "inbox": "Inbox", "for-you": "For you", "reading": "Reading", "done": "Done",
    "archived": "Archived", "starred": "Starred", "all": "All papers",
}
KINDS = ("tag", "collection", "search", "day", "similar")
RANKED = ("for-you", "similar")  # lists ranked by the index, each paper with the terms that explain its place


@dataclass(frozen=True, slots=True)
class View:
    """One list the window can show: a standard view, or a kind with a value (``tag:llm``)."""

    kind: str
    value: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}" if self.kind in KINDS else self.kind

    @property
    def title(self) -> str:
        if self.kind in STANDARD:
            return STANDARD[self.kind]
        label = {"tag": "Tag", "collection": "Collection", "search": "Search", "day": "Feed",
                 "similar": "Similar to"}[self.kind]
        return f"{label}: {self.value}"

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``Library.list_ids`` (search and the ranked views are queried otherwise)."""
        if self.kind in STATES:
            return {"state": self.kind}
        if self.kind == "starred":
            return {"starred": True}
        if self.kind in ("tag", "collection"):
            return {self.kind: self.value}
        if self.kind == "day":
            return {"feed_day": date.fromisoformat(self.value)}
        return {}

    def admits(self, paper: PaperLike) -> bool:
        """Whether ``paper`` still belongs here after a change (search results always stay)."""
        if self.kind in STATES or self.kind == "for-you":
            return paper.state == (self.kind if self.kind in STATES else "inbox")
        if self.kind == "starred":
            return bool(paper.starred)
        if self.kind == "tag":
            return self.value in paper.tags
        if self.kind == "day":
            return paper.feed_day is not None and paper.feed_day.isoformat() == self.value
        return True


def parse_view(key: str) -> View:
    """``inbox`` or ``tag:llm`` back into a View; a clear error for anything else."""
    if key in STANDARD:
        return View(key)
    kind, sep, value = key.partition(":")
    if sep and kind in KINDS and value:
        if kind == "day":
            try:
                date.fromisoformat(value)
            except ValueError:
                raise CommandError(f"not a feed day: {value!r} (use YYYY-MM-DD)") from None
        return View(kind, value)
    names = ", ".join([*STANDARD, *(f"{k}:NAME" for k in KINDS)])
    raise CommandError(f"no such view: {key!r} (views: {names})")

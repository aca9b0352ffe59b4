"""Which papers an export (or a new collection) takes: one value the CLI, the dialog and scripts share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from readerapp.errors import ReaderappError
from readerapp.records import STATES

ScopeKind = Literal["all", "collection", "tag", "query", "state", "ids"]
SCOPE_KINDS: tuple[ScopeKind, ...] = ("all", "collection", "tag", "query", "state", "ids")


@dataclass(frozen=True, slots=True)
class Scope:
    """``kind`` names the selection; ``values`` holds its argument (one name, or ids for ``ids``)."""

    kind: ScopeKind
    values: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise ReaderappError(f"unknown scope {self.kind!r}; choose one of {', '.join(SCOPE_KINDS)}")
        if self.kind == "all":
            if self.values:
                raise ReaderappError("the scope 'all' takes no value")
            return
        if not self.values or not all(v.strip() for v in self.values):
            raise ReaderappError(f"the scope {self.kind!r} needs a non-empty value")
        if self.kind != "ids" and len(self.values) != 1:
            raise ReaderappError(f"the scope {self.kind!r} takes exactly one value")
        if self.kind == "state" and self.values[0] not in STATES:
            raise ReaderappError(f"unknown state {self.values[0]!r}; choose one of {', '.join(STATES)}")

    @classmethod
    def all(cls) -> Scope:
        return cls("all")

    @classmethod
    def of(cls, kind: ScopeKind, value: str) -> Scope:
        return cls(kind, (value,))

    @classmethod
    def ids(cls, ids: list[str] | tuple[str, ...]) -> Scope:
        return cls("ids", tuple(ids))

    @property
    def value(self) -> str:
        """The one argument of a single-valued scope."""
        return self.values[0] if self.values else ""

    def describe(self) -> str:
        """A human title for the exported document ("Collection: Reading group")."""
        if self.kind == "all":
            return "All papers"
        if self.kind == "ids":
            return f"{len(self.values)} selected papers"
        label = {"collection": "Collection", "tag": "Tag", "query": "Search", "state": "State"}[self.kind]
        return f"{label}: {self.value}"

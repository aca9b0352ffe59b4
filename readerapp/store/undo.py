"""Undo as data: every write returns typed inverse operations, and an undo applies them in one transaction.

Each inverse is a frozen dataclass holding the values a write replaced (times, positions and ids
included) with an ``apply(session)`` that puts them back and returns the inverse of what it did, so a
redo is the same kind of record. A misspelt operation or field fails where the write builds it (and in
mypy), never first when the user presses ``u``. What vanished since the write (a paper removed, a
highlight deleted elsewhere) is skipped; a conflict (a name taken again) raises and the whole undo rolls
back.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from readerapp.errors import NotFoundError, ReaderappError
from readerapp.store.annotations import find_tag, rename_tag, state_row, tag_id_for
from readerapp.store.collections import check_name_free, find_collection, find_saved_search
from readerapp.store.models import (
    Collection,
    CollectionItem,
    Highlight,
    Note,
    Paper,
    PaperState,
    PaperTag,
    SavedSearch,
    Tag,
)
from readerapp.store.types import utcnow

CHUNK = 900  # ids per IN (...): under every SQLite build's variable limit


@dataclass(frozen=True, slots=True)
class Applied:
    """What applying inverses did: the operations that redo it (in the order to apply them), the papers
    whose own data changed (their revision is bumped and logged for the index), the papers that entered
    or left a collection (refreshed, not reindexed) and the saved searches made, changed or deleted."""

    redo: tuple[Inverse, ...] = ()
    papers: tuple[int, ...] = ()
    listed: tuple[int, ...] = ()
    searches: tuple[str, ...] = ()


class Inverse(ABC):
    """One typed step of an undo."""

    __slots__ = ()

    @abstractmethod
    def apply(self, session: Session) -> Applied:
        """Put the recorded values back, in the caller's transaction; return how to redo that."""

    @abstractmethod
    def describe(self) -> str:
        """What applying it does, in a few words ("move 2 papers to inbox")."""


def apply_all(session: Session, inverses: Sequence[Inverse]) -> Applied:
    """Apply inverses in order, in the caller's one transaction; the redo applies their own inverses in
    the opposite order."""
    done = [inverse.apply(session) for inverse in inverses]
    return Applied(
        redo=tuple(op for applied in reversed(done) for op in applied.redo),
        papers=tuple(dict.fromkeys(p for applied in done for p in applied.papers)),
        listed=tuple(dict.fromkeys(p for applied in done for p in applied.listed)),
        searches=tuple(dict.fromkeys(s for applied in done for s in applied.searches)),
    )


def existing_papers(session: Session, paper_ids: Iterable[int]) -> set[int]:
    """Those of the papers still in the library."""
    wanted = list(dict.fromkeys(paper_ids))
    found: set[int] = set()
    for start in range(0, len(wanted), CHUNK):
        found.update(session.scalars(select(Paper.id).where(Paper.id.in_(wanted[start : start + CHUNK]))))
    return found


def _papers(n: int) -> str:
    return f"{n} paper" if n == 1 else f"{n} papers"


def _free(session: Session, model: Any, key: int | None) -> int | None:
    """``key`` when no row of ``model`` has it (a restored row gets its old id back), else None."""
    return key if key is not None and session.get(model, key) is None else None


# -- triage ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StateWas:
    paper_id: int
    state: str
    changed: datetime | None

    @staticmethod
    def of(row: PaperState) -> StateWas:
        return StateWas(row.paper_id, row.state or "inbox", row.state_changed)

    def put(self, row: PaperState) -> None:
        row.state, row.state_changed = self.state, self.changed


@dataclass(frozen=True, slots=True)
class StarWas:
    paper_id: int
    starred: bool
    at: datetime | None

    @staticmethod
    def of(row: PaperState) -> StarWas:
        return StarWas(row.paper_id, bool(row.starred), row.starred_at)

    def put(self, row: PaperState) -> None:
        row.starred, row.starred_at = self.starred, self.at


Was = TypeVar("Was", StateWas, StarWas)


def _put_back(
    session: Session, user_id: int, papers: Sequence[Was], read: Callable[[PaperState], Was]
) -> tuple[Was, ...]:
    """Write each paper's recorded triage values back (papers gone since are skipped); return what
    they were just before, for the redo."""
    alive = existing_papers(session, (was.paper_id for was in papers))
    redo = []
    for was in papers:
        if was.paper_id in alive:
            row = state_row(session, was.paper_id, user_id)
            redo.append(read(row))
            was.put(row)
    return tuple(redo)


@dataclass(frozen=True, slots=True)
class RestoreStates(Inverse):
    """Give papers back the state they had and the time it was set."""

    user_id: int
    papers: tuple[StateWas, ...]

    def apply(self, session: Session) -> Applied:
        redo = _put_back(session, self.user_id, self.papers, StateWas.of)
        return Applied((RestoreStates(self.user_id, redo),), tuple(was.paper_id for was in redo))

    def describe(self) -> str:
        states = {was.state for was in self.papers}
        papers = _papers(len(self.papers))
        where = states.pop() if len(states) == 1 else "their states"
        if where == "archived":
            return f"archive {papers}"
        return f"mark {papers} done" if where == "done" else f"move {papers} to {where}"


@dataclass(frozen=True, slots=True)
class RestoreStars(Inverse):
    """Give papers back their star and the time they were starred."""

    user_id: int
    papers: tuple[StarWas, ...]

    def apply(self, session: Session) -> Applied:
        redo = _put_back(session, self.user_id, self.papers, StarWas.of)
        return Applied((RestoreStars(self.user_id, redo),), tuple(was.paper_id for was in redo))

    def describe(self) -> str:
        stars = {was.starred for was in self.papers}
        verb = ("star" if stars.pop() else "unstar") if len(stars) == 1 else "restore the star of"
        return f"{verb} {_papers(len(self.papers))}"


# -- tags --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TagLink:
    """Whether a paper carried a tag, and since when (``added`` None: it did not)."""

    paper_id: int
    tag: str
    added: datetime | None


@dataclass(frozen=True, slots=True)
class RestoreTagLinks(Inverse):
    """Put tags back on papers, or take them off, as they were (with the time each was added)."""

    links: tuple[TagLink, ...]

    @staticmethod
    def of(session: Session, pairs: Iterable[tuple[int, str]]) -> RestoreTagLinks:
        """How these (paper, tag name) pairs stand now."""
        by_tag: dict[str, list[int]] = {}
        for paper_id, name in pairs:
            by_tag.setdefault(name, []).append(paper_id)
        links: list[TagLink] = []
        for name, paper_ids in by_tag.items():
            tag = find_tag(session, name)
            added: dict[int, datetime] = {}
            if tag is not None:
                for start in range(0, len(paper_ids), CHUNK):
                    chunk = paper_ids[start : start + CHUNK]
                    found = session.execute(select(PaperTag.paper_id, PaperTag.added).where(
                        PaperTag.tag_id == tag.id, PaperTag.paper_id.in_(chunk)))  # fmt: skip
                    added.update({paper_id: when for paper_id, when in found})
            spelt = tag.name if tag is not None else name
            links.extend(TagLink(pid, spelt, added.get(pid)) for pid in dict.fromkeys(paper_ids))
        return RestoreTagLinks(tuple(links))

    def apply(self, session: Session) -> Applied:
        alive = existing_papers(session, (link.paper_id for link in self.links))
        links = [link for link in self.links if link.paper_id in alive]
        redo = RestoreTagLinks.of(session, [(link.paper_id, link.tag) for link in links])
        for link in links:
            tag = find_tag(session, link.tag)
            if link.added is None:
                if tag is not None:
                    session.execute(
                        delete(PaperTag).where(PaperTag.paper_id == link.paper_id, PaperTag.tag_id == tag.id)
                    )
                continue
            tag_id = tag.id if tag is not None else tag_id_for(session, link.tag)
            row = session.get(PaperTag, (link.paper_id, tag_id))
            if row is None:
                session.add(PaperTag(paper_id=link.paper_id, tag_id=tag_id, added=link.added))
            else:
                row.added = link.added
        session.flush()
        return Applied((redo,), tuple(dict.fromkeys(link.paper_id for link in links)))

    def describe(self) -> str:
        on = sorted({link.tag for link in self.links if link.added is not None})
        off = sorted({link.tag for link in self.links if link.added is None})
        parts = [f"tag {_papers(len({link.paper_id for link in self.links}))} {', '.join(on)}"] if on else []
        if off:
            parts.append(f"remove {', '.join(off)}" if on else f"untag {', '.join(off)}")
        return " and ".join(parts)


@dataclass(frozen=True, slots=True)
class DropTag(Inverse):
    """Delete a tag that no paper carries any more (one a write created)."""

    name: str

    def apply(self, session: Session) -> Applied:
        tag = find_tag(session, self.name)
        if tag is None:
            return Applied()
        if session.scalar(select(PaperTag.paper_id).where(PaperTag.tag_id == tag.id).limit(1)) is not None:
            return Applied()  # carried again (by a paper tagged since): not this undo's to delete
        redo = RestoreTag(tag.name, tag.id)
        session.delete(tag)
        session.flush()
        return Applied((redo,))

    def describe(self) -> str:
        return f"delete tag {self.name!r}"


@dataclass(frozen=True, slots=True)
class RestoreTag(Inverse):
    """Bring back a deleted tag under its name and id (its papers come back by ``RestoreTagLinks``)."""

    name: str
    tag_id: int

    def apply(self, session: Session) -> Applied:
        if find_tag(session, self.name) is not None:
            return Applied()
        session.add(Tag(id=_free(session, Tag, self.tag_id), name=self.name))
        session.flush()
        return Applied((DropTag(self.name),))

    def describe(self) -> str:
        return f"bring back tag {self.name!r}"


@dataclass(frozen=True, slots=True)
class RenameTag(Inverse):
    """Give a tag its former name (its id, papers and times stay)."""

    name: str
    to: str

    def apply(self, session: Session) -> Applied:
        try:
            previous, papers = rename_tag(session, self.name, self.to)
        except LookupError as exc:
            raise NotFoundError(str(exc)) from None
        except ValueError as exc:
            raise ReaderappError(str(exc)) from None
        return Applied((RenameTag(self.to, previous),), tuple(p.id for p in papers))

    def describe(self) -> str:
        return f"rename tag {self.name!r} to {self.to!r}"


# -- notes and highlights ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RestoreNote(Inverse):
    """Give a paper back its note and the time it was written (an empty text: no note)."""

    paper_id: int
    user_id: int
    markdown: str
    updated: datetime | None

    @staticmethod
    def of(session: Session, paper_id: int, user_id: int) -> RestoreNote:
        note = session.get(Note, (paper_id, user_id))
        if note is None:
            return RestoreNote(paper_id, user_id, "", None)
        return RestoreNote(paper_id, user_id, note.markdown, note.updated)

    def apply(self, session: Session) -> Applied:
        if not existing_papers(session, [self.paper_id]):
            return Applied()
        redo = RestoreNote.of(session, self.paper_id, self.user_id)
        note = session.get(Note, (self.paper_id, self.user_id))
        if not self.markdown:
            if note is not None:
                session.delete(note)
        elif note is None:
            session.add(Note(paper_id=self.paper_id, user_id=self.user_id, markdown=self.markdown,
                             updated=self.updated or utcnow()))  # fmt: skip
        else:
            note.markdown, note.updated = self.markdown, self.updated or utcnow()
        session.flush()
        return Applied((redo,), (self.paper_id,))

    def describe(self) -> str:
        return "edit a note" if self.markdown else "remove a note"


@dataclass(frozen=True, slots=True)
class DeleteHighlight(Inverse):
    highlight_id: int

    def apply(self, session: Session) -> Applied:
        highlight = session.get(Highlight, self.highlight_id)
        if highlight is None:
            return Applied()
        redo = RestoreHighlight.of(highlight)
        session.delete(highlight)
        session.flush()
        return Applied((redo,), (highlight.paper_id,))

    def describe(self) -> str:
        return "remove a highlight"


@dataclass(frozen=True, slots=True)
class RestoreHighlight(Inverse):
    """Bring back a deleted highlight exactly: its id (when still free), place, look and time."""

    highlight_id: int
    paper_id: int
    user_id: int
    field: str
    start: int
    end: int
    quote: str
    color: str
    comment: str | None
    created: datetime
    anchored: bool
    page: int | None = None
    quads: tuple[tuple[float, ...], ...] | None = None
    kind: str = "highlight"
    imported: bool = False
    origin: str | None = None

    @staticmethod
    def of(h: Highlight) -> RestoreHighlight:
        quads = tuple(tuple(q) for q in h.quads) if h.quads is not None else None
        return RestoreHighlight(h.id, h.paper_id, h.user_id, h.field, h.start, h.end, h.quote, h.color,
                                h.comment, h.created, h.anchored, h.page, quads, h.kind, h.imported,
                                h.origin)  # fmt: skip

    def apply(self, session: Session) -> Applied:
        if not existing_papers(session, [self.paper_id]):
            return Applied()
        highlight = Highlight(
            id=_free(session, Highlight, self.highlight_id),
            paper_id=self.paper_id,
            user_id=self.user_id,
            field=self.field,
            start=self.start,
            end=self.end,
            quote=self.quote,
            color=self.color,
            comment=self.comment,
            created=self.created,
            anchored=self.anchored,
            page=self.page,
            quads=[list(q) for q in self.quads] if self.quads is not None else None,
            kind=self.kind,
            imported=self.imported,
            origin=self.origin,
        )
        session.add(highlight)
        session.flush()
        return Applied((DeleteHighlight(highlight.id),), (self.paper_id,))

    def describe(self) -> str:
        return "bring back a highlight"


@dataclass(frozen=True, slots=True)
class RestyleHighlight(Inverse):
    """Give a highlight back its colour and comment."""

    highlight_id: int
    color: str
    comment: str | None

    def apply(self, session: Session) -> Applied:
        highlight = session.get(Highlight, self.highlight_id)
        if highlight is None:
            return Applied()
        redo = RestyleHighlight(highlight.id, highlight.color, highlight.comment)
        highlight.color, highlight.comment = self.color, self.comment
        return Applied((redo,), (highlight.paper_id,))

    def describe(self) -> str:
        return "restore a highlight's colour and comment"


# -- collections and saved searches ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    """A paper's place in a collection (``position`` None: not in it)."""

    paper_id: int
    position: int | None


def _positions(session: Session, collection_id: int) -> dict[int, int]:
    rows = session.execute(
        select(CollectionItem.paper_id, CollectionItem.position).where(
            CollectionItem.collection_id == collection_id
        )
    )
    return {paper_id: position for paper_id, position in rows}


def _place(session: Session, statement: Any, collection_id: int, members: Sequence[Member]) -> None:
    """Insert or update collection items at these positions, in one executemany."""
    if members:
        session.execute(statement, [
            {"collection_id": collection_id, "paper_id": m.paper_id, "position": m.position} for m in members
        ])  # fmt: skip


@dataclass(frozen=True, slots=True)
class RestoreMembers(Inverse):
    """Put papers back in a collection at their old positions, take them out, or reorder them."""

    collection: str
    members: tuple[Member, ...]

    @staticmethod
    def of(session: Session, collection: Collection, paper_ids: Iterable[int]) -> RestoreMembers:
        now = _positions(session, collection.id)
        return RestoreMembers(collection.name, tuple(Member(p, now.get(p)) for p in dict.fromkeys(paper_ids)))

    def apply(self, session: Session) -> Applied:
        collection = find_collection(session, self.collection)
        if collection is None:
            return Applied()
        alive = existing_papers(session, (m.paper_id for m in self.members))
        members = [m for m in self.members if m.paper_id in alive]
        redo = RestoreMembers.of(session, collection, (m.paper_id for m in members))
        now = _positions(session, collection.id)
        gone = [m.paper_id for m in members if m.position is None and m.paper_id in now]
        moved = [m for m in members if m.position is not None and m.paper_id in now]
        back = [m for m in members if m.position is not None and m.paper_id not in now]
        for start in range(0, len(gone), CHUNK):
            chunk = gone[start : start + CHUNK]
            here = CollectionItem.collection_id == collection.id
            session.execute(delete(CollectionItem).where(here, CollectionItem.paper_id.in_(chunk)))
        _place(session, update(CollectionItem), collection.id, moved)
        _place(session, insert(CollectionItem), collection.id, back)
        _untie(session, collection.id, {m.paper_id for m in back})
        return Applied((redo,), listed=tuple(m.paper_id for m in members))

    def describe(self) -> str:
        back = sum(m.position is not None for m in self.members)
        if back == len(self.members):
            return f"put {_papers(back)} back in order in {self.collection!r}"
        if not back:
            return f"take {_papers(len(self.members))} out of {self.collection!r}"
        return f"restore the papers of {self.collection!r}"


def _untie(session: Session, collection_id: int, first: set[int]) -> None:
    """Papers put back where others came meanwhile share a position: number them all again, the
    returning ones first, so the order is never left to chance."""
    tied = session.scalar(
        select(func.count()).select_from(
            select(CollectionItem.position)
            .where(CollectionItem.collection_id == collection_id)
            .group_by(CollectionItem.position)
            .having(func.count() > 1)
            .subquery()
        )
    )
    if not tied:
        return
    order = sorted(_positions(session, collection_id).items(), key=lambda kv: (kv[1], kv[0] not in first))
    renumbered = [Member(pid, n) for n, (pid, _) in enumerate(order, 1)]
    _place(session, update(CollectionItem), collection_id, renumbered)


@dataclass(frozen=True, slots=True)
class DropCollection(Inverse):
    """Delete a collection (its papers stay in the library)."""

    name: str

    def apply(self, session: Session) -> Applied:
        collection = find_collection(session, self.name)
        if collection is None:
            return Applied()
        members = sorted(_positions(session, collection.id).items(), key=lambda kv: kv[1])
        redo = RestoreCollection(collection.name, collection.id, collection.created,
                                 tuple(Member(pid, pos) for pid, pos in members))  # fmt: skip
        session.execute(delete(CollectionItem).where(CollectionItem.collection_id == collection.id))
        session.delete(collection)
        session.flush()
        return Applied((redo,), listed=tuple(pid for pid, _ in members))

    def describe(self) -> str:
        return f"delete collection {self.name!r}"


@dataclass(frozen=True, slots=True)
class RestoreCollection(Inverse):
    """Bring back a deleted collection: its id (when still free), creation time and papers in place."""

    name: str
    collection_id: int | None
    created: datetime
    members: tuple[Member, ...]

    def apply(self, session: Session) -> Applied:
        check_name_free(session, self.name)
        collection = Collection(id=_free(session, Collection, self.collection_id), name=self.name,
                                created=self.created)  # fmt: skip
        session.add(collection)
        session.flush()
        alive = existing_papers(session, (m.paper_id for m in self.members))
        members = [m for m in self.members if m.paper_id in alive and m.position is not None]
        _place(session, insert(CollectionItem), collection.id, members)
        return Applied((DropCollection(self.name),), listed=tuple(m.paper_id for m in members))

    def describe(self) -> str:
        return f"bring back collection {self.name!r}"


@dataclass(frozen=True, slots=True)
class RenameCollection(Inverse):
    """Give a collection or saved search its former name."""

    name: str
    to: str

    def apply(self, session: Session) -> Applied:
        found: Collection | SavedSearch | None = find_collection(session, self.name)
        found = found or find_saved_search(session, self.name)
        if found is None:
            raise NotFoundError(f"no collection or saved search called {self.name!r}")
        if self.to != self.name:
            check_name_free(session, self.to)
            found.name = self.to
        return Applied((RenameCollection(self.to, self.name),))

    def describe(self) -> str:
        return f"rename {self.name!r} to {self.to!r}"


@dataclass(frozen=True, slots=True)
class DropSavedSearch(Inverse):
    name: str

    def apply(self, session: Session) -> Applied:
        search = find_saved_search(session, self.name)
        if search is None:
            return Applied()
        redo = RestoreSavedSearch(search.name, search.id, search.query, search.created)
        session.delete(search)
        session.flush()
        return Applied((redo,), searches=(self.name,))

    def describe(self) -> str:
        return f"delete saved search {self.name!r}"


@dataclass(frozen=True, slots=True)
class RestoreSavedSearch(Inverse):
    """Bring back a deleted saved search: its id (when still free), query and creation time."""

    name: str
    search_id: int | None
    query: str
    created: datetime

    def apply(self, session: Session) -> Applied:
        check_name_free(session, self.name)
        session.add(SavedSearch(id=_free(session, SavedSearch, self.search_id), name=self.name,
                                query=self.query, created=self.created))  # fmt: skip
        session.flush()
        return Applied((DropSavedSearch(self.name),), searches=(self.name,))

    def describe(self) -> str:
        return f"bring back saved search {self.name!r}"


@dataclass(frozen=True, slots=True)
class SetSearchQuery(Inverse):
    """Give a saved search back its query, byte for byte."""

    name: str
    query: str

    def apply(self, session: Session) -> Applied:
        search = find_saved_search(session, self.name)
        if search is None:
            return Applied()
        redo = SetSearchQuery(self.name, search.query)
        search.query = self.query
        return Applied((redo,), searches=(self.name,))

    def describe(self) -> str:
        return f"restore the query of {self.name!r}"

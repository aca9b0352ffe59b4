"""Collections and saved searches: ordered sets of papers, and live queries, shared by all users."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from readerapp.errors import NotFoundError, ReaderappError
from readerapp.store.models import Collection, CollectionItem, Paper, SavedSearch
from readerapp.store.queries import find_paper
from readerapp.store.types import utcnow


class CollectionLike(Protocol):
    name: str
    papers: Sequence[str]
    created: datetime | None


class SavedSearchLike(Protocol):
    name: str
    query: str
    created: datetime | None


def collection_for(session: Session, name: str, created: datetime | None = None) -> Collection:
    """The collection called ``name``, created when missing (at ``created``, by default now)."""
    found = session.scalar(select(Collection).where(Collection.name == name))
    if found is None:
        found = Collection(name=name, created=created or utcnow())
        session.add(found)
        session.flush()
    return found


def append_papers(session: Session, collection: Collection, paper_ids: Iterable[int]) -> list[int]:
    """Append papers at the end of a collection, skipping those already in it; return those added."""
    present = set(
        session.scalars(select(CollectionItem.paper_id).where(CollectionItem.collection_id == collection.id))
    )
    position = session.scalar(
        select(func.max(CollectionItem.position)).where(CollectionItem.collection_id == collection.id)
    )
    next_position = (position or 0) + 1
    added = []
    for paper_id in paper_ids:
        if paper_id not in present:
            present.add(paper_id)
            added.append(paper_id)
    if added:  # one executemany: a collection made from a whole view may hold thousands
        session.execute(
            insert(CollectionItem),
            [
                {"collection_id": collection.id, "paper_id": pid, "position": n}
                for n, pid in enumerate(added, next_position)
            ],
        )
    return added


def merge_collections(
    session: Session, collections: Iterable[CollectionLike], saved_searches: Iterable[SavedSearchLike]
) -> None:
    """Merge imported collections (appending papers not yet in them) and saved searches (by name;
    an existing saved search keeps its query). A new one keeps the time it was made."""
    for incoming in collections:
        collection = collection_for(session, incoming.name, incoming.created)
        papers = [find_paper(session, ident) for ident in incoming.papers]
        append_papers(session, collection, [p.id for p in papers if p is not None])
    for search in saved_searches:
        if session.scalar(select(SavedSearch.id).where(SavedSearch.name == search.name)) is None:
            session.add(SavedSearch(name=search.name, query=search.query, created=search.created or utcnow()))


@dataclass(frozen=True, slots=True)
class CollectionInfo:
    """A sidebar entry: a collection (``query`` None) or a saved search, a live collection."""

    name: str
    count: int | None  # None for a saved search: its size is known only once its query runs
    query: str | None = None
    created: datetime | None = None

    @property
    def live(self) -> bool:
        return self.query is not None


def clean_name(name: str) -> str:
    """Collection and saved-search names: trimmed, whitespace folded, never empty."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ReaderappError("a collection needs a name")
    return cleaned


def find_collection(session: Session, name: str) -> Collection | None:
    return session.scalar(select(Collection).where(Collection.name == name))


def find_saved_search(session: Session, name: str) -> SavedSearch | None:
    return session.scalar(select(SavedSearch).where(SavedSearch.name == name))


def require_collection(session: Session, name: str) -> Collection:
    """The collection called ``name``; a clear error for a saved search or an unknown name."""
    found = find_collection(session, name)
    if found is not None:
        return found
    if find_saved_search(session, name) is not None:
        raise ReaderappError(f"{name!r} is a saved search: its papers come from its query")
    raise NotFoundError(f"no collection called {name!r}")


def public_ids(session: Session, paper_ids: Sequence[int]) -> list[str]:
    """Public ids for internal ones, in the same order."""
    found: dict[int, str] = {}
    for start in range(0, len(paper_ids), 900):
        chunk = paper_ids[start : start + 900]
        rows = session.execute(select(Paper.id, Paper.arxiv_id, Paper.local_id).where(Paper.id.in_(chunk)))
        found.update({pid: arxiv_id or local_id for pid, arxiv_id, local_id in rows})
    return [found[pid] for pid in paper_ids if pid in found]


def member_ids(session: Session, collection: Collection) -> list[int]:
    """The collection's papers (internal ids) in order."""
    return list(
        session.scalars(
            select(CollectionItem.paper_id)
            .where(CollectionItem.collection_id == collection.id)
            .order_by(CollectionItem.position)
        )
    )


def remove_papers(session: Session, collection: Collection, paper_ids: Iterable[int]) -> list[int]:
    """Take papers out of a collection; return those that were in it."""
    wanted = set(paper_ids)
    present = [pid for pid in member_ids(session, collection) if pid in wanted]
    if present:
        session.execute(
            delete(CollectionItem).where(
                CollectionItem.collection_id == collection.id, CollectionItem.paper_id.in_(present)
            )
        )
    return present


def set_order(session: Session, collection: Collection, paper_ids: Sequence[int]) -> None:
    """Put the collection's papers in exactly this order (which must hold every member once)."""
    current = member_ids(session, collection)
    if sorted(current) != sorted(paper_ids) or len(set(paper_ids)) != len(paper_ids):
        raise ReaderappError(f"a new order for {collection.name!r} must list each of its papers once")
    session.execute(  # ORM bulk update by primary key: one executemany
        update(CollectionItem),
        [
            {"collection_id": collection.id, "paper_id": pid, "position": n}
            for n, pid in enumerate(paper_ids, 1)
        ],
    )


def saved_searches(session: Session) -> list[SavedSearch]:
    """Every saved search, in the order they were made."""
    return list(session.scalars(select(SavedSearch).order_by(SavedSearch.id)))


def add_saved_search(session: Session, name: str, query: str, created: datetime | None = None) -> None:
    """A new saved search (the name must be free: ``check_name_free``)."""
    session.add(SavedSearch(name=name, query=query, created=created or utcnow()))


def rewrite_saved_searches(session: Session, rewrite: Callable[[str], str]) -> dict[str, str]:
    """Give each saved search the query ``rewrite`` makes of its own (a renamed tag's new name);
    return the old query of each one that changed, by name, for undo to put back."""
    before: dict[str, str] = {}
    for search in session.scalars(select(SavedSearch).order_by(SavedSearch.id)):
        query = rewrite(search.query)
        if query != search.query:
            before[search.name] = search.query
            search.query = query
    return before


def check_name_free(session: Session, name: str) -> None:
    """Collections and saved searches share the sidebar, so a name may be taken by either."""
    if find_collection(session, name) is not None or find_saved_search(session, name) is not None:
        raise ReaderappError(f"there is already a collection or saved search called {name!r}")


def summaries(session: Session) -> list[CollectionInfo]:
    """Every collection with its size, then every saved search, each by name."""
    counts = dict(
        session.execute(
            select(CollectionItem.collection_id, func.count()).group_by(CollectionItem.collection_id)
        ).all()
    )
    collections = session.scalars(select(Collection).order_by(func.lower(Collection.name)))
    searches = session.scalars(select(SavedSearch).order_by(func.lower(SavedSearch.name)))
    return [CollectionInfo(c.name, counts.get(c.id, 0), None, c.created) for c in collections] + [
        CollectionInfo(s.name, None, s.query, s.created) for s in searches
    ]


def all_members(session: Session) -> list[tuple[Collection, list[str]]]:
    """Every collection with its papers' public ids in order: what a lossless export carries."""
    members: dict[int, list[str]] = {}
    rows = session.execute(
        select(CollectionItem.collection_id, Paper.arxiv_id, Paper.local_id)
        .join(Paper, Paper.id == CollectionItem.paper_id)
        .order_by(CollectionItem.collection_id, CollectionItem.position)
    )
    for collection_id, arxiv_id, local_id in rows:
        members.setdefault(collection_id, []).append(arxiv_id or local_id)
    collections = session.scalars(select(Collection).order_by(Collection.id))
    return [(c, members.get(c.id, [])) for c in collections]

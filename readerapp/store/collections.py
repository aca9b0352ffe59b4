"""Collections and saved searches: ordered sets of papers, and live queries, shared by all users."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from readerapp.store.models import Collection, CollectionItem, SavedSearch
from readerapp.store.queries import find_paper


class CollectionLike(Protocol):
    name: str
    papers: Sequence[str]


class SavedSearchLike(Protocol):
    name: str
    query: str


def collection_for(session: Session, name: str) -> Collection:
    """The collection called ``name``, created when missing."""
    found = session.scalar(select(Collection).where(Collection.name == name))
    if found is None:
        found = Collection(name=name)
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
        if paper_id in present:
            continue
        session.add(CollectionItem(collection_id=collection.id, paper_id=paper_id, position=next_position))
        present.add(paper_id)
        added.append(paper_id)
        next_position += 1
    return added


def merge_collections(
    session: Session, collections: Iterable[CollectionLike], saved_searches: Iterable[SavedSearchLike]
) -> None:
    """Merge imported collections (appending papers not yet in them) and saved searches (by name;
    an existing saved search keeps its query)."""
    for incoming in collections:
        collection = collection_for(session, incoming.name)
        papers = [find_paper(session, ident) for ident in incoming.papers]
        append_papers(session, collection, [p.id for p in papers if p is not None])
    for search in saved_searches:
        if session.scalar(select(SavedSearch.id).where(SavedSearch.name == search.name)) is None:
            session.add(SavedSearch(name=search.name, query=search.query))

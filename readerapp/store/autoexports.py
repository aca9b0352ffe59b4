"""Auto-exports in the database: which collection each follows, where it writes, and its pinned keys."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from readerapp.store.models import AutoExport, AutoExportKey, Collection, CollectionItem
from readerapp.text import free_key


@dataclass(frozen=True, slots=True)
class AutoExportInfo:
    """One auto-export as ``--list`` shows it; ``error`` says why its last rewrite failed."""

    id: int
    collection: str
    format: str
    path: str
    error: str | None


def listed(session: Session, user_id: int, *, touching: Iterable[int] | None = None) -> list[AutoExportInfo]:
    """This user's auto-exports by collection name; with ``touching`` (internal paper ids) only those a
    change to these papers may alter (they are members, or were given a key) and those that failed."""
    query = (
        select(AutoExport, Collection.name)
        .join(Collection, Collection.id == AutoExport.collection_id)
        .where(AutoExport.user_id == user_id)
        .order_by(Collection.name)
    )
    if touching is not None:
        papers = list(touching)
        members = select(CollectionItem.collection_id).where(CollectionItem.paper_id.in_(papers))
        keyed = select(AutoExportKey.auto_export_id).where(AutoExportKey.paper_id.in_(papers))
        query = query.where(
            AutoExport.collection_id.in_(members) | AutoExport.id.in_(keyed) | AutoExport.error.is_not(None)
        )
    return [AutoExportInfo(a.id, name, a.format, a.path, a.error) for a, name in session.execute(query)]


def set_for(session: Session, user_id: int, collection: Collection, fmt: str, path: str) -> int:
    """Start (or change) the user's auto-export of ``collection``; a changed one keeps its pinned keys."""
    found = _of(session, user_id, collection)
    if found is None:
        found = AutoExport(collection_id=collection.id, user_id=user_id, format=fmt, path=path)
        session.add(found)
    else:
        found.format, found.path, found.error = fmt, path, None
    session.flush()
    return found.id


def drop_for(session: Session, user_id: int, collection: Collection) -> bool:
    """Stop the user's auto-export of ``collection`` (the file stays); whether there was one."""
    found = _of(session, user_id, collection)
    if found is not None:
        session.delete(found)
    return found is not None


def _of(session: Session, user_id: int, collection: Collection) -> AutoExport | None:
    return session.scalar(
        select(AutoExport).where(AutoExport.collection_id == collection.id, AutoExport.user_id == user_id)
    )


def pinned_keys(
    session: Session, export_id: int, papers: Sequence[int], natural: Callable[[int], str]
) -> dict[int, str]:
    """The key of each paper (internal ids): the one pinned before, else its natural key
    (``natural``) with a suffix while another paper of this export has it; the new ones are pinned now."""
    query = select(AutoExportKey.paper_id, AutoExportKey.key).where(AutoExportKey.auto_export_id == export_id)
    keys = {paper_id: key for paper_id, key in session.execute(query)}
    taken = set(keys.values())
    for paper_id in papers:
        if paper_id in keys:
            continue
        key = free_key(natural(paper_id), taken)
        taken.add(key)
        keys[paper_id] = key
        session.add(AutoExportKey(auto_export_id=export_id, paper_id=paper_id, key=key))
    return keys


def set_error(session: Session, export_id: int, error: str | None) -> None:
    found = session.get(AutoExport, export_id)
    if found is not None and found.error != error:
        found.error = error

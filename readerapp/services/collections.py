"""Collections (ordered sets of papers) and saved searches (live collections): made, filled, ordered,
renamed and deleted, each write with the inverse that undoes it exactly."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from readerapp.errors import NotFoundError, ReaderappError
from readerapp.paper import Changes
from readerapp.services.context import LibraryContext
from readerapp.store import collections as store
from readerapp.store import queries
from readerapp.store import undo as inverses
from readerapp.store.collections import CollectionInfo


class Collections:
    def __init__(self, ctx: LibraryContext) -> None:
        self.ctx = ctx

    def listed(self) -> list[CollectionInfo]:
        """Collections (with their sizes), then saved searches: what the sidebar lists."""
        with self.ctx.db.session() as session:
            return store.summaries(session)

    def ids(self, name: str) -> list[str]:
        """Public ids of a collection in its order; a saved search runs its query (a live collection)."""
        with self.ctx.db.session() as session:
            collection = store.find_collection(session, name)
            if collection is not None:
                return store.public_ids(session, store.member_ids(session, collection))
            search = store.find_saved_search(session, name)
            if search is None:
                raise NotFoundError(f"no collection or saved search called {name!r}")
            query = search.query
        return self.ctx.search_ids(query)

    def add(self, name: str, ids: Iterable[str]) -> Changes:
        """Append papers to a collection (created when missing); papers already in it stay where they are."""
        name = store.clean_name(name)
        with self.ctx.db.session() as session:
            collection = store.find_collection(session, name)
            inverse: inverses.Inverse | None = None
            if collection is None:
                store.check_name_free(session, name)
                collection = store.collection_for(session, name)
                inverse = inverses.DropCollection(name)
            added = store.append_papers(session, collection, self.ctx.paper_ids(session, ids))
            self.ctx.export_after_commit(session, added)
            public = store.public_ids(session, added)
            if added and inverse is None:
                inverse = inverses.RestoreMembers(name, tuple(inverses.Member(pid, None) for pid in added))
            return Changes("add_to_collection", tuple(public), (inverse,) if inverse else ())

    def remove(self, name: str, ids: Iterable[str]) -> Changes:
        """Take papers out of a collection; undo puts them back at their exact places."""
        with self.ctx.db.session() as session:
            collection = store.require_collection(session, name)
            wanted = self.ctx.paper_ids(session, ids)
            before = inverses.RestoreMembers.of(session, collection, wanted)
            removed = set(store.remove_papers(session, collection, wanted))
            self.ctx.export_after_commit(session, list(removed))
            inverse = inverses.RestoreMembers(name, tuple(m for m in before.members if m.paper_id in removed))
            public = tuple(store.public_ids(session, [m.paper_id for m in inverse.members]))
            return Changes("remove_from_collection", public, (inverse,) if public else ())

    def reorder(self, name: str, ids: Sequence[str]) -> Changes:
        """Give a collection a new order: ``ids`` lists every one of its papers once."""
        with self.ctx.db.session() as session:
            collection = store.require_collection(session, name)
            internal = queries.internal_ids(session, ids)
            unknown = [i for i in ids if i not in internal]
            if unknown:
                raise NotFoundError(f"no paper {unknown[0]!r} in the library")
            before = inverses.RestoreMembers.of(session, collection, store.member_ids(session, collection))
            store.set_order(session, collection, [internal[i] for i in ids])
            self.ctx.export_after_commit(session, list(internal.values()))
            return Changes("reorder_collection", tuple(ids), (before,))

    def rename(self, name: str, new_name: str) -> Changes:
        """Rename a collection or a saved search."""
        new_name = store.clean_name(new_name)
        with self.ctx.db.session() as session:
            found = store.find_collection(session, name) or store.find_saved_search(session, name)
            if found is None:
                raise NotFoundError(f"no collection or saved search called {name!r}")
            if new_name != name:
                store.check_name_free(session, new_name)
                found.name = new_name
            return Changes("rename_collection", (), (inverses.RenameCollection(new_name, name),))

    def delete(self, name: str) -> Changes:
        """Delete a collection (its papers stay in the library) or a saved search; undo brings it back
        as it was: its id, creation time and (a collection's) papers at their places."""
        with self.ctx.db.session() as session:
            if store.find_collection(session, name) is not None:
                drop: inverses.Inverse = inverses.DropCollection(name)
            elif store.find_saved_search(session, name) is not None:
                drop = inverses.DropSavedSearch(name)
            else:
                raise NotFoundError(f"no collection or saved search called {name!r}")
            applied = inverses.apply_all(session, [drop])
            members = tuple(store.public_ids(session, list(applied.listed)))
            return Changes("delete_collection", members, applied.redo, applied.searches)

    def save_search(self, name: str, query: str, *, created: datetime | None = None) -> Changes:
        """Save a search as a live collection (or change a saved search's query); ``created`` dates a
        new one (an import keeps its time)."""
        name = store.clean_name(name)
        if not query.strip():
            raise ReaderappError("a saved search needs a query")
        self.ctx.search_ids(query, limit=1)  # a malformed query is refused now, not when the view opens
        with self.ctx.db.session() as session:
            search = store.find_saved_search(session, name)
            if search is None:
                store.check_name_free(session, name)
                store.add_saved_search(session, name, query, created)
                return Changes("save_search", (), (inverses.DropSavedSearch(name),), (name,))
            inverse = inverses.SetSearchQuery(name, search.query)
            search.query = query
            return Changes("save_search", (), (inverse,), (name,))

"""The CLI's light path, beside the facade (``readerapp.api``): ``show``, ``list``, ``state``, ``tag`` and
``search`` answered as the Library answers them, from a library's SQLite file read and written with
``sqlite3`` (``store.quick``) and a search index caught up from it (``indexing.quick_source``), so a
short command imports no SQLAlchemy. ``QuickLibrary.open`` returns None, and a call raises
``NotCovered`` before it has written or printed anything, for whatever the Library must do instead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from readerapp.store.quick import NotCovered, QuickStore

if TYPE_CHECKING:
    from readerapp.index.search_index import Hit

__all__ = ["NotCovered", "QuickLibrary"]


class QuickLibrary(QuickStore):
    """A SQLite library open for the light path: ``QuickStore``'s calls, and the Library's ``search``."""

    def search(self, query: str, limit: int = 50, sort: str = "relevance") -> list[Hit]:
        """``Library.search`` through the same ``IndexKeeper``, caught up with the change log here; an
        index to build or rebuild is the Library's."""
        from readerapp.index.lean_import import import_whoosh

        import_whoosh()
        from readerapp.index.keeper import IndexKeeper
        from readerapp.indexing.quick_source import QuickDocuments

        folder = self.path / "index"
        if not folder.is_dir():
            raise NotCovered  # built on the Library's first search
        keeper = IndexKeeper(folder, QuickDocuments(self))
        try:
            return keeper.search(query, limit=limit, sort=sort)
        finally:
            keeper.close()

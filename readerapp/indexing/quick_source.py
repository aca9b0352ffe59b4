"""The search index's ``DocumentSource`` on the CLI's light path: the change log and the documents of the
papers changed, read with ``sqlite3`` by ``store.quick`` and mapped by ``indexing.rows`` as the Library's
source (``indexing.source``) maps them. A rebuild (every paper, their revisions) is the Library's: asking
for one hands the search over to it (``NotCovered``) before the index is touched."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from readerapp.index.document import IndexDocument
from readerapp.indexing.rows import DOCUMENT_COLUMNS, index_document
from readerapp.store.quick import NotCovered, QuickStore


class QuickDocuments:
    """Documents as the light path's user sees them, for the keeper to catch up with."""

    def __init__(self, store: QuickStore) -> None:
        self.changes_since = store.changes_since
        self._store = store

    def documents(self, ids: Sequence[str] | None = None) -> Iterator[IndexDocument]:
        if ids is None:
            raise NotCovered
        return iter([index_document(*row) for row in self._store.document_rows(ids, DOCUMENT_COLUMNS)])

    def stamps(self) -> dict[str, int]:
        raise NotCovered

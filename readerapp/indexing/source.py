"""The search index's view of the database (``index.keeper.DocumentSource``): documents, the change
log and revisions. The index package never imports the store; this adapter is the one meeting point."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import select

from readerapp.index.document import IndexDocument
from readerapp.indexing.documents import index_documents
from readerapp.store import changes
from readerapp.store.database import Database
from readerapp.store.models import Paper


class LibraryDocuments:
    """Documents as one user sees them (their state and star go into the index)."""

    def __init__(self, db: Database, user_id: int) -> None:
        self.db = db
        self.user_id = user_id

    def documents(self, ids: Sequence[str] | None = None) -> Iterator[IndexDocument]:
        with self.db.session() as session:
            yield from index_documents(session, self.user_id, ids)

    def changes_since(self, watermark: int) -> tuple[list[str], int]:
        with self.db.session() as session:
            newest, ids = changes.changes_since(session, watermark, limit=None)
        return ids, newest

    def stamps(self) -> dict[str, int]:
        with self.db.session() as session:
            rows = session.execute(select(Paper.arxiv_id, Paper.local_id, Paper.revision))
            return {arxiv_id or local_id: revision for arxiv_id, local_id, revision in rows}

"""What every service of a Library works on, and what every committed write sets off.

The context holds the library's settings (``config``, its folder), its database and its user, the
search index's single writer (opened on first use), and the after-commit duties of a write: the index
learns of it, and the auto-exports it may alter are rewritten. A restore swaps the database under it,
so services read ``db`` and ``user_id`` from the context at each call, never keep them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event
from sqlalchemy.orm import Session

from readerapp.choices import DB_FILE
from readerapp.config import Config
from readerapp.paper import Changes, Paper
from readerapp.store import identity, queries
from readerapp.store import undo as inverses
from readerapp.store.changes import touch
from readerapp.store.database import Database
from readerapp.store.models import Paper as PaperRow

if TYPE_CHECKING:
    from readerapp.index.keeper import IndexKeeper

ExportRefresh = Callable[[Sequence[int] | None], list[str]]


class LibraryContext:
    """The library's settings, database and user, shared by its services."""

    def __init__(self, config: Config, db: Database, refresh_exports: ExportRefresh) -> None:
        self.config = config
        self.db = db
        self.user_name, self.user_id = self.identify()
        self._keeper: IndexKeeper | None = None
        self._keeper_lock = threading.Lock()
        self._refresh = refresh_exports  # rewrites the auto-exports a change may alter; warning lines
        # Why an auto-export could not be rewritten after a write (the write itself stood): the CLI
        # prints these, the app shows them (``take_autoexport_warnings``).
        self._warnings: list[str] = []
        self._warnings_lock = threading.Lock()  # writer threads add, the GUI thread takes

    @property
    def path(self) -> Path:
        return self.config.library

    @property
    def db_file(self) -> Path | None:
        """The SQLite file, or None on a shared server (whose backups are its administrator's)."""
        return None if self.config.database_url else self.path / DB_FILE

    def identify(self) -> tuple[str, int]:
        """Who this library's user is (see ``store.identity``): their name and user id."""
        with self.db.session() as session:
            name = identity.library_user(session, self.config.user, self.config.user_name)
            return name, identity.user_id_for(session, name)

    # -- the search index ------------------------------------------------------------------------

    @property
    def keeper(self) -> IndexKeeper:
        """The search index's single writer; opened (and rebuilt if missing or damaged) on first use,
        so a CLI command that never searches never loads Whoosh."""
        with self._keeper_lock:
            if self._keeper is None:
                from readerapp.index.keeper import IndexKeeper
                from readerapp.indexing.source import LibraryDocuments

                self._keeper = IndexKeeper(self.path / "index", LibraryDocuments(self.db, self.user_id))
            return self._keeper

    def close_keeper(self) -> None:
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None

    def written(self) -> None:
        """Wakes the keeper's writer thread where a script started one (IndexKeeper.start); otherwise
        the next search catches up."""
        if self._keeper is not None:
            self._keeper.notify()

    def search_ids(self, query: str, limit: int | None = None) -> list[str]:
        """Every paper a query finds, best first; ``limit`` caps it (a check needs one hit)."""
        if limit is None:
            with self.db.session() as session:
                limit = max(queries.counts(session, self.user_id)["all"], 1)
        return [hit.id for hit in self.keeper.search(query, limit=limit)]

    # -- after a write ---------------------------------------------------------------------------

    def changed(
        self,
        session: Session,
        op: str,
        rows: Sequence[PaperRow],
        inverse: Sequence[inverses.Inverse],
        searches: tuple[str, ...] = (),
    ) -> Changes:
        """Bump the revision of changed papers, log them for the index, describe the change."""
        if not rows and not searches and not inverse:
            return Changes(op, ())
        public = tuple(dict.fromkeys(r.public_id for r in rows))
        touch(session, [r.id for r in rows], public)
        if rows:  # once committed: a search that counts this write must find it in the change log
            event.listen(session, "after_commit", lambda _session: self.written(), once=True)
            self.export_after_commit(session, [r.id for r in rows])
        return Changes(op, public, tuple(inverse), searches)

    def export_after_commit(self, session: Session, paper_ids: Sequence[int] | None) -> None:
        """Once ``session`` commits, rewrite the auto-exports a change to these papers may alter."""
        event.listen(session, "after_commit", lambda _session: self.refresh_exports(paper_ids), once=True)

    def refresh_exports(self, paper_ids: Sequence[int] | None) -> None:
        warnings = self._refresh(paper_ids)
        if warnings:
            with self._warnings_lock:
                self._warnings += warnings

    def merged(self) -> None:
        """After a sync or import committed: the index learns it, every auto-export is looked at."""
        self.written()
        self.refresh_exports(None)

    def take_warnings(self) -> list[str]:
        with self._warnings_lock:
            taken, self._warnings = self._warnings, []
        return taken

    # -- shared reads ----------------------------------------------------------------------------

    def absolute_pdfs(self, papers: list[Paper]) -> list[Paper]:
        """Views carry ``pdf_path`` as an absolute path (what every consumer opens); the database keeps
        it relative to the library folder, so a moved or shared library still finds its PDFs."""
        return [replace(p, pdf_path=str(self.path / p.pdf_path)) if p.pdf_path else p for p in papers]

    @staticmethod
    def paper_ids(session: Session, idents: Iterable[str]) -> list[int]:
        """Internal ids for ids, URLs or DOIs, in order, once each: plain ids are looked up in bulk
        (a collection made from a 10,000-paper view), the rest one by one; an unknown one is an error."""
        wanted = list(dict.fromkeys(idents))
        direct = queries.internal_ids(session, wanted)
        found = [direct[i] if i in direct else queries.resolve(session, i).id for i in wanted]
        return list(dict.fromkeys(found))

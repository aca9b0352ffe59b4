"""Backups of a SQLite library: the daily one, one on request, the list, and restoring one under an
open Library. A shared library (a database server) is backed up by its administrator instead."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from readerapp.errors import LibraryError
from readerapp.services.context import LibraryContext
from readerapp.store.database import Database

if TYPE_CHECKING:
    from readerapp.store.backups import Backup


class Backups:
    def __init__(self, ctx: LibraryContext) -> None:
        self.ctx = ctx

    @property
    def folder(self) -> Path:
        return self.ctx.path / "backups"

    def if_due(self) -> Backup | None:
        """Today's backup unless there is one, keeping the last ``backups_kept``."""
        from readerapp.store.backups import backup_if_due

        if self.ctx.db_file is None:
            return None
        return backup_if_due(self.ctx.db_file, self.folder, self.ctx.config.backups_kept)

    def now(self) -> Backup:
        """A backup taken now, outside the daily rotation."""
        from readerapp.store.backups import take_backup

        if self.ctx.db_file is None:
            raise LibraryError("a shared library is backed up by its database server's administrator")
        return take_backup(self.ctx.db_file, self.folder, "manual")

    def listed(self) -> list[Backup]:
        """Every backup of the database, newest first."""
        from readerapp.store.backups import list_backups

        return list_backups(self.folder) if self.ctx.db_file is not None else []

    def restore(self, path: str | Path) -> Path:
        """Replace the database by the backup at ``path`` under the open library (``Library.restore_backup``):
        its connections and index writer close, the file is swapped, and the database reopens."""
        from readerapp.store import backups

        db_file = self.ctx.db_file
        if db_file is None:
            raise LibraryError("a shared library is restored by its database server's administrator")
        self.ctx.close_keeper()
        self.ctx.db.close()
        try:
            saved = backups.restore(db_file, Path(path), self.folder, self.ctx.path / "index")
        except BaseException:
            # Refused (another reader) or failed: nothing changed. A damaged file cannot be opened again;
            # then the refusal is what to report, and the next restore closes and reopens as now.
            with contextlib.suppress(LibraryError):
                self.ctx.db = Database.open_sqlite(db_file, self.folder)
            raise
        self.ctx.db = Database.open_sqlite(db_file, self.folder)
        self.ctx.user_name, self.ctx.user_id = self.ctx.identify()
        return saved

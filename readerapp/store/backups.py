"""Automatic daily backups of a SQLite library database, and restoring one.

A note typed today must survive a disk that corrupts tomorrow: once a day (at the first open) a
consistent copy is taken with SQLite's backup API, the last N daily copies are kept, and a damaged
database names the newest copy to restore. Backups live in ``backups/`` beside the database as
``library-YYYYMMDDTHHMMSS-LABEL.sqlite3`` (the name carries the time, so listing needs no database).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from readerapp.errors import LibraryError
from readerapp.store.database import backup_sqlite
from readerapp.store.types import utcnow

DAILY = "daily"
BEFORE_RESTORE = "before-restore"
DAMAGED = "damaged"  # a raw copy of a database too broken for the backup API: kept, never offered
_NAME_RE = re.compile(r"library-(\d{8}T\d{6})-([\w.-]+)\.sqlite3")


@dataclass(frozen=True, slots=True)
class Backup:
    """One backup file: when it was taken (UTC) and why (``daily``, ``before-0003``, ...)."""

    path: Path
    taken: datetime
    label: str
    size: int

    @property
    def restorable(self) -> bool:
        return self.label != DAMAGED


def list_backups(folder: Path) -> list[Backup]:
    """Every backup in ``folder``, newest first."""
    found = []
    for path in folder.glob("library-*.sqlite3") if folder.is_dir() else ():
        match = _NAME_RE.fullmatch(path.name)
        if match is None:
            continue
        taken = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        found.append(Backup(path, taken, match.group(2), path.stat().st_size))
    return sorted(found, key=lambda b: (b.taken, b.path.name), reverse=True)


def newest_restorable(folder: Path) -> Backup | None:
    return next((b for b in list_backups(folder) if b.restorable), None)


def restore_advice(folder: Path) -> str:
    """The one line a damaged library's message ends with: which backup to restore, and how."""
    newest = newest_restorable(folder)
    if newest is None:
        return "no backup to restore"
    when = newest.taken.strftime("%Y-%m-%d %H:%M UTC")
    return f"restore the newest backup ({when}) with: readerapp backup --restore {newest.path}"


def quick_check(path: Path) -> str | None:
    """None when SQLite finds the file sound, else what is wrong (one line)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [row[0] for row in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if rows == ["ok"] else "; ".join(rows[:3])


def backup_if_due(db_path: Path, folder: Path, keep: int, now: datetime | None = None) -> Backup | None:
    """Take today's backup unless one exists (a glob, cheap enough for every open); keep the last ``keep``.

    The copy is checked before older ones are pruned, so a damaged database never pushes the good
    backups out: it raises a LibraryError naming the newest backup instead.
    """
    if keep <= 0 or not db_path.is_file():
        return None
    today = (now or utcnow()).date()
    dailies = [b for b in list_backups(folder) if b.label == DAILY]
    if dailies and dailies[0].taken.date() >= today:
        return None
    taken = take_backup(db_path, folder, DAILY)
    for old in dailies[max(keep - 1, 0) :]:
        old.path.unlink(missing_ok=True)
    return taken


def take_backup(db_path: Path, folder: Path, label: str) -> Backup:
    """A checked backup now: a copy SQLite does not find sound is deleted and reported instead."""
    try:
        path = backup_sqlite(db_path, folder, label)
    except (sqlite3.Error, OSError) as exc:
        advice = restore_advice(folder)
        raise LibraryError(f"could not back up the library database: {exc}; {advice}") from exc
    problem = quick_check(path)
    if problem is not None:
        path.unlink()
        raise LibraryError(f"the library database is damaged ({problem}); {restore_advice(folder)}")
    return next(b for b in list_backups(folder) if b.path == path)


def restore(db_path: Path, source: Path, folder: Path, index_dir: Path) -> Path:
    """Put ``source`` in place of the database (whose connections must all be closed) and return where
    the replaced database was saved first.

    Works on a database too damaged to open, so the CLI and the app can call it before any Library
    exists. The file is swapped atomically; its WAL and shared-memory files are removed first, as
    SQLite would otherwise replay the old WAL onto the restored pages. The search index described the
    replaced papers, so it is dropped and rebuilt on the next search.
    """
    problem = quick_check(source) if source.is_file() else "no such file"
    if problem is not None:
        raise LibraryError(f"{source} is not a usable backup: {problem}")
    saved = _save_current(db_path, folder)
    staging = db_path.with_name(db_path.name + ".restoring")
    staging.unlink(missing_ok=True)
    src, dest = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(staging)
    try:
        with dest:
            src.backup(dest)
    finally:
        src.close()
        dest.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.replace(staging, db_path)
    shutil.rmtree(index_dir, ignore_errors=True)
    return saved


def _save_current(db_path: Path, folder: Path) -> Path:
    """A copy of the database about to be replaced, labelled ``damaged`` (never offered for a restore)
    when it is not sound; a raw copy when it is too damaged for the backup API."""
    damaged = folder / f"library-{utcnow():%Y%m%dT%H%M%S}-{DAMAGED}.sqlite3"
    try:
        saved = backup_sqlite(db_path, folder, BEFORE_RESTORE)
    except sqlite3.DatabaseError:
        shutil.copyfile(db_path, damaged)
        return damaged
    return saved if quick_check(saved) is None else saved.replace(damaged)

"""Automatic daily backups of a SQLite library database, and restoring one.

A note typed today must survive a disk that corrupts tomorrow: once a day (at the first open) a
consistent copy is taken with SQLite's backup API, the last N daily copies are kept, and a damaged
database names the newest copy to restore. Backups live in ``backups/`` beside the database as
``library-YYYYMMDDTHHMMSS-LABEL.sqlite3`` (the name carries the time, so listing needs no database);
the second and later backups of one second are ``...-LABEL.N.sqlite3``, N counting up within the second
across labels, so none overwrites another and they list in the order they were taken.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from readerapp.disk import no_room
from readerapp.errors import DatabaseDamaged, LibraryError
from readerapp.store.lock import exclusive
from readerapp.store.types import utcnow

DAILY = "daily"
BEFORE_RESTORE = "before-restore"
DAMAGED = "damaged"  # a raw copy of a database too broken for the backup API: kept, never offered
_STAMP = "%Y%m%dT%H%M%S"
_NAME_RE = re.compile(r"library-(\d{8}T\d{6})-([\w.-]+?)(?:\.(\d+))?\.sqlite3")


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
    """Every backup in ``folder``, newest first (within one second, the higher number first)."""
    found = []
    for path, match in _named(folder, "*"):
        taken = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
        backup = Backup(path, taken, match.group(2), path.stat().st_size)
        found.append(((taken, _number(match), path.name), backup))
    return [backup for _order, backup in sorted(found, key=lambda pair: pair[0], reverse=True)]


def _named(folder: Path, stamp: str) -> list[tuple[Path, re.Match[str]]]:
    """The files in ``folder`` named like backups taken at ``stamp`` (``*``: at any time), parsed."""
    paths = folder.glob(f"library-{stamp}-*.sqlite3") if folder.is_dir() else ()
    return [(path, match) for path in paths if (match := _NAME_RE.fullmatch(path.name))]


def _number(match: re.Match[str]) -> int:
    """The backup's number within its second: 0 for the first (no number in the name)."""
    return int(match.group(3) or 0)


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
        return _quick_check(path)
    except sqlite3.DatabaseError as exc:
        return str(exc)


def damage_found(path: Path) -> str | None:
    """What ``PRAGMA quick_check`` finds wrong with the file; None when it is sound or cannot be looked
    at (locked, missing, no room for its shared memory on a full disk): only damage SQLite sees is worth
    replacing the user's file by a backup."""
    try:
        return _quick_check(path)
    except sqlite3.OperationalError:
        return None
    except sqlite3.DatabaseError as exc:  # not a database, malformed: damage
        return str(exc)


def _quick_check(path: Path) -> str | None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = [row[0] for row in conn.execute("PRAGMA quick_check")]
    finally:
        conn.close()
    return None if rows == ["ok"] else "; ".join(rows[:3])


def backup_if_due(db_path: Path, folder: Path, keep: int, now: datetime | None = None) -> Backup | None:
    """Take today's backup unless one exists (a glob, cheap enough for every open); keep the last ``keep``.

    The copy is checked before older ones are pruned, so a damaged database never pushes the good
    backups out: it raises DatabaseDamaged naming the newest backup instead.
    """
    if keep <= 0 or not db_path.is_file():
        return None
    today = (now or utcnow()).date()
    newest = next((b for b in list_backups(folder) if b.label == DAILY), None)
    if newest is not None and newest.taken.date() >= today:
        return None
    taken = take_backup(db_path, folder, DAILY)
    # listed again: another process may have taken one too meanwhile, and still only ``keep`` stay
    for old in [b for b in list_backups(folder) if b.label == DAILY][keep:]:
        old.path.unlink(missing_ok=True)
    return taken


def take_backup(db_path: Path, folder: Path, label: str) -> Backup:
    """A checked backup now: a copy SQLite does not find sound is deleted and reported instead."""
    try:
        path = backup_sqlite(db_path, folder, label)
    except (sqlite3.Error, OSError) as exc:
        full = no_room(exc, folder)
        if full is not None:  # no room for the copy says nothing about the database
            raise full from exc
        advice = restore_advice(folder)
        raise DatabaseDamaged(f"could not back up the library database: {exc}; {advice}") from exc
    problem = quick_check(path)
    if problem is not None:
        path.unlink()
        raise DatabaseDamaged(f"the library database is damaged ({problem}); {restore_advice(folder)}")
    return next(b for b in list_backups(folder) if b.path == path)


def restore(db_path: Path, source: Path, folder: Path, index_dir: Path) -> Path:
    """Put ``source`` in place of the database and return where the replaced database was saved first.

    Every connection to the database must be closed: while any other database of the library is open
    (in another process, or another Library of this one) ``Busy`` says so before anything is
    touched. Works on a database too damaged to open, so the CLI and the app can call it before any
    Library exists. The file is swapped atomically; its WAL and shared-memory files are removed first,
    as SQLite would otherwise replay the old WAL onto the restored pages. The search index described
    the replaced papers, so it is dropped and rebuilt on the next search.
    """
    with exclusive(db_path.parent):
        problem = quick_check(source) if source.is_file() else "no such file"
        if problem is not None:
            raise LibraryError(f"{source} is not a usable backup: {problem}")
        saved = _save_current(db_path, folder)
        staging = db_path.with_name(db_path.name + ".restoring")
        staging.unlink(missing_ok=True)
        _copy_database(f"file:{source}?mode=ro", staging)
        for suffix in ("-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        os.replace(staging, db_path)
        shutil.rmtree(index_dir, ignore_errors=True)
    return saved


def _save_current(db_path: Path, folder: Path) -> Path:
    """A copy of the database about to be replaced, labelled ``damaged`` (never offered for a restore)
    when it is not sound; a raw copy when it is too damaged for the backup API."""
    try:
        saved = backup_sqlite(db_path, folder, BEFORE_RESTORE)
    except sqlite3.DatabaseError:
        return _write_backup(folder, DAMAGED, lambda partial: shutil.copyfile(db_path, partial))
    return saved if quick_check(saved) is None else _claim(saved, folder, f"{utcnow():{_STAMP}}", DAMAGED)


def backup_sqlite(db_path: Path, folder: Path, label: str) -> Path:
    """A consistent copy of a live SQLite file (the backup API, safe under WAL) into ``folder``."""
    return _write_backup(folder, label, lambda partial: _copy_database(str(db_path), partial))


def _copy_database(source: str, target: Path) -> None:
    """The database at ``source`` (a path, or a ``file:`` URI) copied into ``target`` by the backup API."""
    src = sqlite3.connect(source, uri=True)
    try:
        dest = sqlite3.connect(target)
        try:
            with dest:
                src.backup(dest)
        finally:
            dest.close()
    finally:
        src.close()


def _write_backup(folder: Path, label: str, write: Callable[[Path], object]) -> Path:
    """A new backup named for now and ``label``, written by ``write`` into a ``.part`` file of its own
    first, so a failed or killed copy never looks like a backup, nor do two copies share one."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = f"{utcnow():{_STAMP}}"
    handle, name = tempfile.mkstemp(prefix="library-", suffix=".part", dir=folder)
    os.close(handle)
    partial = Path(name)
    try:
        write(partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return _claim(partial, folder, stamp, label)


def _claim(file: Path, folder: Path, stamp: str, label: str) -> Path:
    """Move ``file`` to the first free backup name of second ``stamp``, never over another backup.

    The name is claimed with a hard link, which fails when another process took it since the listing;
    on a file system without hard links (FAT, some network shares) a plain rename is the fallback.
    """
    while True:
        numbers = [_number(match) for _path, match in _named(folder, stamp)]
        number = max(numbers) + 1 if numbers else 0
        target = folder / f"library-{stamp}-{label}{f'.{number}' if number else ''}.sqlite3"
        try:
            os.link(file, target)
        except FileExistsError:
            continue
        except OSError:
            if target.exists():
                continue
            file.replace(target)
            return target
        file.unlink()
        return target

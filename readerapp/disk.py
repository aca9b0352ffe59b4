"""Telling a full disk from damage: which failures mean "no room", and how much room there is.

A write that finds no room fails with ENOSPC (the disk), EDQUOT (the user's quota) or EFBIG (past the
file size the process may write, ``RLIMIT_FSIZE``): all three tell the user the same truth, that space
must be made before anything more is written, and none of them says anything about the data already on
disk. SQLite loses the errno: a full disk is ``SQLITE_FULL`` ("database or disk is full") or, when the
shared-memory file cannot grow, a "disk I/O error"; such an error is taken for a full disk when the
disk has almost nothing left or the file has reached the process's size limit.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
from pathlib import Path

from readerapp.errors import DiskFull

NO_ROOM = {
    errno.ENOSPC: "no space left on the disk",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file size limit is reached",
}
LOW_SPACE = 2**20  # bytes; below this a failed write is taken for a full disk
SQLITE_IOERR, SQLITE_FULL = 10, 13  # primary result codes (the low byte of an extended one)
PG_DISK_FULL = "53100"  # PostgreSQL's SQLSTATE disk_full


def size_text(size: int) -> str:
    """A size as people read it: ``0 bytes``, ``12 kB``, ``340 MB``, ``1.2 GB``."""
    if size >= 1e9:
        return f"{size / 1e9:.1f} GB"
    if size >= 1e6:
        return f"{size / 1e6:.0f} MB"
    if size >= 1e3:
        return f"{size / 1e3:.0f} kB"
    return f"{size} bytes"


def free_space(path: Path) -> int | None:
    """Bytes the user may still write on the file system holding ``path`` (its nearest existing
    folder), or None when that cannot be told."""
    for folder in (path, *path.parents):
        try:
            return shutil.disk_usage(folder).free
        except OSError:
            continue
    return None


def no_room_errno(error: BaseException | None) -> int | None:
    """The ENOSPC, EDQUOT or EFBIG behind ``error`` (or an error it came from), else None."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in NO_ROOM:
            return error.errno
        error = error.__cause__ or error.__context__
    return None


def past_size_limit(*files: Path) -> bool:
    """Whether one of ``files`` has reached the size this process may write (``RLIMIT_FSIZE``)."""
    if sys.platform == "win32":
        return False
    import resource

    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if limit == resource.RLIM_INFINITY:
        return False
    sizes = [file.stat().st_size for file in files if file.is_file()]
    return any(size + LOW_SPACE >= limit for size in sizes)


def out_of_room(path: Path, *files: Path) -> int | None:
    """Why a write under ``path`` that failed without an errno (SQLite's I/O errors) most likely failed
    for want of room: ENOSPC when the disk is (nearly) full, EFBIG when one of ``files`` reached the
    process's file size limit; None when there is room, so the failure is something else."""
    free = free_space(path)
    if free is not None and free < LOW_SPACE:
        return errno.ENOSPC
    return errno.EFBIG if past_size_limit(*files) else None


def no_room(error: BaseException, path: Path | None, *files: Path) -> DiskFull | None:
    """The ``DiskFull`` to raise instead of ``error`` (a write under ``path`` failed) when it means no
    room, else None: an OSError with ENOSPC, EDQUOT or EFBIG anywhere in its chain, SQLite's
    ``SQLITE_FULL``, an SQLite I/O error while ``out_of_room`` (``files`` are the database's files, for
    the size limit), or PostgreSQL's disk_full (``path`` None: a server's database, not on our disk).
    ``error`` may be SQLAlchemy's wrapper of the driver's."""
    driver = getattr(error, "orig", None) or error
    if getattr(driver, "sqlstate", None) == PG_DISK_FULL:
        return DiskFull(f"disk full on the database server: {str(driver).strip().splitlines()[0]}")
    if path is None:
        return None
    why = no_room_errno(error)
    if why is not None:
        return disk_full(path, why)
    code = getattr(driver, "sqlite_errorcode", None)
    if not isinstance(code, int) or code & 0xFF not in (SQLITE_FULL, SQLITE_IOERR):
        return None
    why = out_of_room(path, *files)
    if why is None and code & 0xFF == SQLITE_FULL:
        why = errno.ENOSPC
    return disk_full(path, why) if why is not None else None


def as_disk_full(error: BaseException, folder: Path) -> BaseException:
    """``error``, or the ``DiskFull`` line for an OSError that found no room and that no layer explained
    (the search index's files, say): at its file when it names one, else at ``folder``."""
    if not isinstance(error, OSError):
        return error
    where = Path(os.fsdecode(error.filename)) if error.filename else folder
    return no_room(error, where) or error


def disk_full(path: Path, why: int = errno.ENOSPC) -> DiskFull:
    """The one-line error for a write to ``path`` that found no room: the path, why, and the room left."""
    free = free_space(path)
    room = f"{size_text(free)} free there" if free is not None else "free space unknown"
    return DiskFull(f"disk full: cannot write {path} ({NO_ROOM.get(why, NO_ROOM[errno.ENOSPC])}; {room})")


def room_note(folder: Path) -> str:
    """What ``doctor`` says of the room left where ``folder`` lives (a full disk fails every write)."""
    free = free_space(folder)
    if free is None:
        return f"free space on the disk of {folder} is unknown"
    low = " (nearly full: free some space before the next write)" if free < LOW_SPACE else ""
    return f"{size_text(free)} free on the disk of {folder}{low}"

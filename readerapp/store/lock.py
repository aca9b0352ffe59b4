"""File locks between readerapp processes, all ``flock`` locks on small lock files.

Who has a SQLite library open: each open database holds a shared lock on ``readerapp.lock`` in the
library folder, and a restore needs it exclusively. A restore swaps the database file and deletes its WAL
under every open connection, which would lose or corrupt what another process writes next; the lock turns
"close the app first" into a refusal. The same shared/exclusive pair guards other folders (PDF downloads
against ``doctor`` tidying ``pdfs/``), and ``claimed`` gives one job (a paper's download) to one taker.

``flock`` locks belong to one open file (so a restorer that closed its own database is not blocked by
itself, while any other open database is, in this process or another), and the kernel drops them when a
process ends, even by SIGKILL, so a crashed process never blocks anyone. Windows has no ``flock`` (the app
ships for Linux): there the module imports and every lock is granted, so the rules are only documented.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from readerapp.errors import Busy
from readerapp.flock import try_lock

if sys.platform != "win32":
    import fcntl

LOCK_FILE = "readerapp.lock"
IN_USE = "the library is open in another readerapp process: close it first"


def _open(path: Path) -> int | None:
    """The lock file, opened read-only (enough for ``flock``, and possible in a read-only folder once the
    file exists); None where there is no lock to take."""
    if sys.platform == "win32":
        return None
    try:
        return os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError:
        return None  # a read-only folder without the file: nothing can be restored there either


class SharedLock:
    """Held by an open SQLite database from before its first connection until it is closed (or by other
    users of ``folder/name`` that only need to keep an exclusive holder out)."""

    def __init__(self, folder: Path, name: str = LOCK_FILE) -> None:
        self._fd = _open(folder / name)
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_SH)  # waits only while an exclusive holder works (seconds)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file drops its lock
            self._fd = None


@contextmanager
def exclusive(folder: Path, name: str = LOCK_FILE, busy: str = IN_USE) -> Iterator[None]:
    """``folder/name`` to oneself (for a restore): ``Busy`` saying ``busy`` at once, before anything
    is touched, while anyone holds it shared."""
    fd = _open(folder / name)
    if fd is None:
        yield
        return
    try:
        if not try_lock(fd):
            raise Busy(busy)
        yield
    finally:
        os.close(fd)


@contextmanager
def claimed(path: Path, pause: Callable[[], None]) -> Iterator[bool]:
    """``path`` as the lock of one job that one taker at a time may do, in this process or another.

    Waits while someone else holds it, calling ``pause`` between tries (it sleeps, or raises to give up),
    and yields whether it had to wait: the other taker may have done the job meanwhile. The file is deleted
    on release, while still locked, so lock files do not pile up; a waiter that then gets the lock of the
    deleted file notices and takes the new one. A killed holder leaves its file, never its lock.
    """
    if sys.platform == "win32":
        yield False
        return
    waited = False
    while True:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
        try:
            while not try_lock(fd):
                waited = True
                pause()
            if _still_at(fd, path):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # its holder finished and deleted it: lock the file now at ``path``
        waited = True
    try:
        yield waited
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


def _still_at(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False

"""Who has a SQLite library open: each open database holds a shared lock on ``readerapp.lock`` in the
library folder, and a restore needs it exclusively.

A restore swaps the database file and deletes its WAL under every open connection, which would lose or
corrupt what another process writes next; the lock turns "close the app first" into a refusal. The locks
are ``flock`` locks: they belong to one open file (so a restorer that closed its own database is not
blocked by itself, while any other open database is, in this process or another), and the kernel drops
them when a process ends, even by SIGKILL, so a crashed app never blocks a restore.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from readerapp.errors import LibraryError

if sys.platform != "win32":
    import fcntl

LOCK_FILE = "readerapp.lock"
IN_USE = "the library is open in another readerapp process: close it first"


def _open(folder: Path) -> int | None:
    """The lock file, opened read-only (enough for ``flock``, and possible in a read-only folder once the
    file exists); None where there is no lock to take."""
    if sys.platform == "win32":
        return None  # no flock on Windows (the app ships for Linux): there the rule is only documented
    try:
        return os.open(folder / LOCK_FILE, os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError:
        return None  # a read-only folder without the file: nothing can be restored there either


class SharedLock:
    """Held by an open SQLite database from before its first connection until it is closed."""

    def __init__(self, folder: Path) -> None:
        self._fd = _open(folder)
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_SH)  # waits only while another process restores (seconds)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file drops its lock
            self._fd = None


@contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """The library to oneself (for a restore): a LibraryError at once, before anything is touched, while
    any database of the library is open elsewhere."""
    fd = _open(folder)
    if fd is None:
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LibraryError(IN_USE) from None
        yield
    finally:
        os.close(fd)

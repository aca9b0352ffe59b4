"""``BuildLock``: whether a search index is being built right now, by this process or another one.

A build replaces the index folder (an unfinished one has no metadata yet), so a check that looks at it
meanwhile would call it damaged. The builder therefore holds an exclusive ``flock`` on ``<folder>.lock``
from before it touches the folder until the new index is in place, and writes how far it has got into the
file; a check takes a shared lock without waiting, and holds it while it looks, so no build starts or
swaps the folder under it. The kernel drops a lock when its process ends, even by SIGKILL, so a build that
died half way is not mistaken for one still running (a pid file would be), and as ``flock`` locks belong
to one open file, a build on another thread of this process counts too. The file stays: removing a lock
file races with the next process opening it. No ``flock`` on Windows (the app ships for Linux): there
every check runs as if no build were under way, as before.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from readerapp.flock import try_lock

WAIT_STEP = 0.2  # seconds between two looks at a lock another process holds for its build
_WIDTH = 48  # bytes of progress text, rewritten in place: "done total" padded with spaces
_PROGRESS = re.compile(r"(\d+) (\d+)")

Note = Callable[[int, int], None]  # note(done, total): how far the build has got


class BuildLock:
    """The lock beside the index in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.path = folder.with_name(folder.name + ".lock")

    def _open(self) -> int | None:
        if sys.platform == "win32":
            return None
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return None  # a read-only library folder: no index can be built there either

    @contextmanager
    def building(self, waiting: Callable[[], None] = lambda: None) -> Iterator[Note]:
        """Hold the lock for a build; yields ``note``. While another process builds, ``waiting`` is
        called every WAIT_STEP seconds: it reports the wait, and by raising (the app closing, a cancel)
        ends it, since a build elsewhere can take minutes and a blocked flock cannot be interrupted."""
        fd = self._open()
        if fd is None:
            yield lambda done, total: None
            return
        try:
            while not try_lock(fd):
                waiting()
                time.sleep(WAIT_STEP)
            _write(fd, "")  # not the last build's figures
            yield lambda done, total: _write(fd, f"{done} {total}")
        finally:
            os.close(fd)  # closing the file drops its lock

    @contextmanager
    def quiet(self) -> Iterator[str | None]:
        """None while no build runs (and none can start or finish until the block ends); else what to
        say about the build under way: "the search index is being built (12 of 43 papers)"."""
        fd = self._open()
        if fd is None:
            yield None
            return
        try:
            if not try_lock(fd, shared=True):
                yield _describe(fd)
                return
            yield None
        finally:
            os.close(fd)


def _write(fd: int, text: str) -> None:
    """One write of a fixed width at the start, so a reader never sees the file shorter or half
    cleared (a torn read gives odd figures at worst, and they only go into a note)."""
    os.pwrite(fd, text.ljust(_WIDTH).encode("ascii"), 0)


def _describe(fd: int) -> str:
    match = _PROGRESS.fullmatch(os.pread(fd, _WIDTH, 0).decode("ascii", "replace").strip())
    how_far = f" ({match[1]} of {match[2]} papers)" if match else ""
    return f"the search index is being built{how_far}"

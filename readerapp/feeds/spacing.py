"""A host's request spacing kept across processes: a lock file per host holding when the next request
may go.

arXiv asks for one request every 3 s from a client, not from one process: two ``sync --source arxiv``
runs, the app's sync and a CLI, or two libraries of one user all count. Each books its slot under an
``flock`` on ``<user cache dir>/hosts/<host>.next`` (the user's, so every process and every library of the
user shares it) and writes the end of its slot back; the lock is held only for that read and write, and
the wait happens outside it. The file holds wall-clock seconds (every process reads the same clock): the
end of the last slot booked and when it was booked; a booking made "in the future" means the clock was
set back since, and is ignored. Where the folder cannot be written, or on Windows (no ``flock``), only the
process's own spacing applies.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import platformdirs

from readerapp.config import APP_NAME
from readerapp.ids import safe_filename

if sys.platform != "win32":
    import fcntl

HOSTS_DIR = "hosts"


def hosts_dir() -> Path:
    """Where the per-host files live: the user's cache folder, shared by all their processes."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / HOSTS_DIR


class SharedSpacing:
    """Books request slots for hosts in files that every process of the user reads and writes."""

    def __init__(
        self, folder: Callable[[], Path] = hosts_dir, clock: Callable[[], float] = time.time
    ) -> None:
        self._folder = folder
        self._clock = clock

    def reserve(self, host: str, interval: float, earliest: float = 0.0) -> float:
        """Book the first slot for ``host`` at least ``earliest`` seconds from now and ``interval``
        after the one booked last by any process; return how many seconds to wait for it (0 when the
        file cannot be used: the caller's own spacing still holds)."""
        if sys.platform == "win32" or interval <= 0:
            return 0.0
        try:
            folder = self._folder()
            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(folder / f"{safe_filename(host, 100)}.next", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return 0.0
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # held for one read and one write
            now = self._clock()
            free, when = _read_booking(fd)
            slot = max(now + earliest, free if when <= now else now)
            os.pwrite(fd, f"{slot + interval:.6f} {now:.6f}\n".encode().ljust(64), 0)
        except OSError:
            return 0.0
        finally:
            os.close(fd)
        return slot - now


def _read_booking(fd: int) -> tuple[float, float]:
    """When the host is free again, and when that was booked; zeros for a new or unreadable file."""
    try:
        free, when = os.pread(fd, 64, 0).decode("ascii", "replace").split()
        return float(free), float(when)
    except ValueError:
        return 0.0, 0.0

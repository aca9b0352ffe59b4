"""Watch the library's change log for writes made elsewhere: another app on a shared library, the CLI.

A thread asks the library what changed since the last change it saw and hands the public ids to the
GUI thread as a queued signal; the window then re-reads exactly those rows, the counts and the view.
On a shared (PostgreSQL) library it waits on LISTEN/NOTIFY, so a change shows within moments; on a
local SQLite file it polls once a second, with an interruptible wait so that quitting never waits.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from readerapp.ui.signals import emit

if TYPE_CHECKING:
    from readerapp.api import Library

POLL_SECONDS = 1.0  # local library: how often the log is read
LISTEN_SECONDS = 1.0  # shared library: the longest LISTEN wait, which is also how long a quit can wait
RETRY_SECONDS = 5.0  # after a failed read (a lost server), before trying again


class ChangeWatcher(QObject):
    """``changed(ids)`` on the GUI thread for every batch of changed papers; ``failed(error)`` once
    per failure streak, so a lost server is one message, not one a second."""

    changed = Signal(object)
    failed = Signal(object)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._shared = bool(library.config.database_url)
        self._stop = threading.Event()
        self._after = 0
        self._thread = threading.Thread(target=self._run, name="readerapp-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """End the thread (at most one LISTEN wait on a shared library) before the library closes."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(LISTEN_SECONDS + 1.0)

    def _run(self) -> None:
        failing = False
        try:
            self._after = self._library.last_change_id()
        except Exception as exc:
            self._tell("failed", exc)
            return
        while not self._stop.is_set():
            try:
                newest, ids = self._next()
            except Exception as exc:  # the library's one-line errors: shown once, then retried
                if not failing and not self._stop.is_set():
                    self._tell("failed", exc)
                failing = True
                self._stop.wait(RETRY_SECONDS)
                continue
            failing = False
            self._after = newest
            if ids and not self._stop.is_set():
                self._tell("changed", ids)

    def _tell(self, signal: str, value: object) -> None:
        """Emit ``signal`` to the GUI thread; if the window (this object's parent) is gone, stop."""
        try:
            emit(getattr(self, signal), value)
        except RuntimeError:  # the C++ side was deleted with the window
            self._stop.set()

    def _next(self) -> tuple[int, list[str]]:
        if self._shared:
            return self._library.wait_for_changes(self._after, timeout=LISTEN_SECONDS)
        found = self._library.changes_since(self._after)
        if not found[1]:
            self._stop.wait(POLL_SECONDS)
        return found

"""Watch the library's change log for writes made elsewhere: another app on a shared library, the CLI.

A thread asks the library what changed since the last change it saw and hands the public ids to the
GUI thread as a queued signal; the window then re-reads exactly those rows, the counts and the view.
On a shared (PostgreSQL) library it waits on LISTEN/NOTIFY through the library's ``change_feed`` (one
connection for the watcher's life, reopened after a lost server), so a change shows within moments; on a
local SQLite file it polls once a second. Both waits are interruptible, so quitting never waits.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from readerapp.ui.signals import emit

if TYPE_CHECKING:
    from readerapp.api import Library

POLL_SECONDS = 1.0  # local library: how often the log is read
LISTEN_SECONDS = 30.0  # shared library: the longest LISTEN wait before the log is read anyway
RETRY_SECONDS = 5.0  # local library: after a failed read, before trying again (the feed paces a shared one)
STOP_SECONDS = 2.0  # the longest ``stop`` waits for the thread (a wait ends at once; a read may not)
THREAD_NAME = "readerapp-watch"


class ChangeWatcher(QObject):
    """``changed(ids)`` on the GUI thread for every batch of changed papers; ``failed(error)`` once
    per failure streak, so a lost server is one message, not one a second."""

    changed = Signal(object)
    failed = Signal(object)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._stop = threading.Event()
        self._after = 0
        self._feed = library.change_feed() if library.config.database_url else None
        self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> bool:
        """End the thread, interrupting its wait, before the library closes; False if it outlived
        ``STOP_SECONDS`` (a read that would not end; the thread is a daemon, so quitting goes on)."""
        self._stop.set()
        if self._feed is not None:
            self._feed.stop()
        if self._thread.is_alive():
            self._thread.join(STOP_SECONDS)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            self._watch()
        finally:
            if self._feed is not None:
                self._feed.close()

    def _watch(self) -> None:
        failing = False
        if self._feed is None:  # the feed starts from the log's newest change itself, once listening
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
                if self._feed is None:
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
        if self._feed is not None:
            return self._feed.next(LISTEN_SECONDS)
        found = self._library.changes_since(self._after)
        if not found[1]:
            self._stop.wait(POLL_SECONDS)
        return found

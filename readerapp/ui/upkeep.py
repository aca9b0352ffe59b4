"""Once the library is open and its first view loaded: today's backup, then the search index warmed.

Both run on a worker, after the first paint and the first view, so start-up figures do not move. The
backup comes first (a note typed today must be in a copy before anything else touches the file); then
the index opens and catches up, so the first search or For you answers at once. Opening a missing or
damaged index rebuilds it from the database (minutes at 100k papers): the status bar shows how far it
has got. A damaged database found by the backup goes to ``Recovery``.

Later changes (keys, a sync, other readers) reach the index when the window has been idle for a moment,
not through the keeper's writer thread (``IndexKeeper.start``): that thread catches up during the very
writes and reloads the user is waiting on, and three threads taking turns for the GIL stalled the GUI
thread for 50-130 ms in half the runs of tests/ui/test_ui_sync.py (none with the idle catch-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from readerapp.errors import Cancelled
from readerapp.ui.signals import emit
from readerapp.ui.workers import Task, Workers

if TYPE_CHECKING:
    from readerapp.api import Library
    from readerapp.ui.window import MainWindow

BUILDING = "Building the search index…"
IDLE_MS = 1500  # quiet time after a change before the index catches up with it


def warm_up(library: Library, task: Task) -> None:
    """Runs on a worker: the daily backup, then the index opened (or rebuilt) and caught up.

    Closing the window cancels the task: a build stops at its next batch (the next start builds
    again) rather than holding the app's exit for minutes."""

    def report(_what: str, done: int, total: int | None) -> None:
        if task.cancelled:
            raise Cancelled("the window closed: the search index is built on the next start")
        task.report(done, total or 0, BUILDING)

    library.backup_if_due()
    library.keeper.catch_up(progress=report)  # opens (or rebuilds) the index first


def building_message(done: int, total: int) -> str:
    """The status line while the index is built: a percentage once the total is known."""
    return f"{BUILDING} {min(100, done * 100 // total)}%" if total else BUILDING


class Upkeep(QObject):
    """Runs ``warm_up`` for a window and reports it there; ``ready`` once the index is open."""

    ready = Signal()
    failed = Signal(object)

    def __init__(self, window: MainWindow, workers: Workers) -> None:
        super().__init__(window)
        self.window = window
        self.workers = workers
        self._building = False
        self.warm = False  # the backup is taken and the index open
        # PySide connects a signal given as a keyword; the stubs know only properties.
        self._idle = QTimer(self, singleShot=True, interval=IDLE_MS, timeout=self._catch_up)  # type: ignore[call-arg]
        window.data_changed.connect(self._idle.start)

    def start(self) -> Task | None:
        library = self.window.library
        if library is None:
            return None
        self.warm = False
        task = self.workers.long("warm-up", lambda t: warm_up(library, t))
        task.progress.connect(self._progress)
        task.done.connect(self._warmed)
        task.failed.connect(lambda error: emit(self.failed, error))
        task.finished.connect(self._finished)
        return task

    def _warmed(self, _none: None) -> None:
        self.warm = True
        emit(self.ready)

    def _catch_up(self) -> None:
        """The window has been idle since the library last changed: bring the index up to date now,
        so the next search need not. Not while the window works (a key's write, a sync, a reload)."""
        library = self.window.library
        if library is None or self.workers.closed:
            return
        if self.workers.busy:
            self._idle.start()
            return
        task = self.workers.read("index", library.keeper.catch_up)
        task.failed.connect(lambda error: self.window.report_error(error, prefix="Search index: "))

    def _progress(self, done: int, total: int, _what: str) -> None:
        self._building = True
        bar = self.window.statusBar()
        if not bar.currentMessage() or bar.currentMessage().startswith(BUILDING):  # a sync's result stays
            bar.showMessage(building_message(done, total))

    def _finished(self) -> None:
        if self._building:
            self._building = False
            if self.window.statusBar().currentMessage().startswith(BUILDING):
                self.window.statusBar().clearMessage()

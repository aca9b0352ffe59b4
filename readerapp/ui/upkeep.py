"""Once the library is open and its first view loaded: today's backup, then the search index warmed.

Both run on a worker, after the first paint and the first view, so start-up figures do not move. The
backup comes first (a note typed today must be in a copy before anything else touches the file); then
the index's writer thread starts and the index opens, so the first search or For you answers at once.
Opening a missing or damaged index rebuilds it from the database (minutes at 100k papers): the status
bar shows how far it has got. A damaged database found by the backup goes to ``Recovery``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from readerapp.ui.signals import emit
from readerapp.ui.workers import Task, Workers

if TYPE_CHECKING:
    from readerapp.api import Library
    from readerapp.ui.window import MainWindow

BUILDING = "Building the search index…"


def warm_up(library: Library, task: Task) -> None:
    """Runs on a worker: the daily backup, then the index writer and the open (or rebuilt) index."""
    library.backup_if_due()
    library.start_background_indexing()
    library.keeper.index(progress=lambda _what, done, total: task.report(done, total or 0, BUILDING))


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

    def start(self) -> Task | None:
        library = self.window.library
        if library is None:
            return None
        task = self.workers.long("warm-up", lambda t: warm_up(library, t))
        task.progress.connect(self._progress)
        task.done.connect(lambda _none: emit(self.ready))
        task.failed.connect(lambda error: emit(self.failed, error))
        task.finished.connect(self._finished)
        return task

    def _progress(self, done: int, total: int, _what: str) -> None:
        self._building = True
        self.window.statusBar().showMessage(building_message(done, total))

    def _finished(self) -> None:
        if self._building:
            self._building = False
            self.window.statusBar().clearMessage()

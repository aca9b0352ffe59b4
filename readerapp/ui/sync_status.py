"""A sync of the Daily Papers feed run from the window: one at a time, on a worker, with its progress,
a Cancel button and the outcome in the status bar (a failure or skipped items above the list)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtWidgets import QProgressBar, QPushButton, QStatusBar

from readerapp.errors import Cancelled
from readerapp.ui.workers import Task, Workers

if TYPE_CHECKING:
    from readerapp.api import Library
    from readerapp.ui.window_parts import MessageBar

SYNC_FAILED = "Sync failed (the message above the list says why)."  # what replaces "Syncing…"
SKIPPED_SHOWN = 3  # items left out of a sync named in the message bar (the CLI lists them all)


class SyncStatus(QObject):
    """Runs the sync and shows it; ``synced`` is called once it merged (the window reloads)."""

    def __init__(self, bar: QStatusBar, messages: MessageBar, workers: Workers, state: QSettings,
                 report_error: Callable[..., None], synced: Callable[[], None]) -> None:
        super().__init__(bar)
        self.bar, self.messages, self.workers, self.state = bar, messages, workers, state
        self.report_error, self.synced = report_error, synced
        self.task: Task | None = None
        self.progress = QProgressBar(bar)
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel", bar)
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)

    def start(self, library: Library | None, **window: Any) -> Task | None:
        """Sync the Daily Papers feed on a worker with progress in the status bar; one at a time."""
        if library is None:
            self.bar.showMessage("The library is still opening.", 3000)
            return None
        if self.task is not None:
            self.bar.showMessage("A sync is already running.", 3000)
            return None
        task = self.workers.long("sync", lambda t: library.sync(
            "hf", progress=lambda what, done, total: t.report(done, total or 0, what),
            cancel=t.cancel_event, **window))  # fmt: skip
        self.task = task
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.bar.showMessage("Syncing Daily Papers…")
        task.progress.connect(self._progress)
        task.done.connect(self._done)
        task.failed.connect(self._failed)
        task.finished.connect(self._finished)
        return task

    def cancel(self) -> bool:
        """Ask the running sync to stop; False when none runs."""
        if self.task is None:
            return False
        self.task.cancel()
        return True

    def _progress(self, done: int, total: int, what: str) -> None:
        self.progress.setRange(0, total)
        if total:
            self.progress.setValue(min(done, total))
        # A notice (a wait for a rate limit) comes with no count: "Syncing: Waiting 40 s for ...".
        count = f" {done}/{total}" if total else f" {done}" if done else ""
        self.bar.showMessage(f"Syncing: {what}{count}")

    def _failed(self, error: object) -> None:
        if isinstance(error, Cancelled):  # the user asked for it: a status line, not an error banner
            self.bar.showMessage("Sync cancelled.", 8000)
            return
        self.report_error(error, prefix="Sync failed: ")
        self.bar.showMessage(SYNC_FAILED, 8000)

    def _done(self, report: Any) -> None:
        self.state.setValue("sync/last", date.today().isoformat())
        if getattr(report, "error", None):
            self.messages.show_message(f"Sync failed: {report.error}")
            self.bar.showMessage(SYNC_FAILED, 8000)
        elif report.skipped:  # merged, but some items were left out: say which, until dismissed
            shown = "; ".join(f"{item.where}: {item.reason}" for item in report.skipped[:SKIPPED_SHOWN])
            more = len(report.skipped) - SKIPPED_SHOWN
            self.messages.show_message(
                f"{report.summary()}. Skipped {shown}" + (f"; and {more} more" if more > 0 else "")
            )
        else:
            self.bar.showMessage(report.summary(), 8000)
        self.synced()

    def _finished(self) -> None:
        self.task = None
        if self.bar.currentMessage().startswith("Syncing"):  # a cancelled sync: nothing to say
            self.bar.clearMessage()
        self.progress.hide()
        self.cancel_button.hide()

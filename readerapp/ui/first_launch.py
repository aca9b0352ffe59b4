"""What a first launch needs to explain itself: the welcome line, removing the sample day, and the
sync log that keeps each run's outcome readable after the status bar has moved on."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from readerapp.interaction.registry import CommandError, command
from readerapp.records import SyncRunView

if TYPE_CHECKING:
    from readerapp.api import Library
    from readerapp.interaction.catalog import Entry
    from readerapp.paper import Changes
    from readerapp.ui.window import MainWindow

CONFIRM_SECONDS = 10.0  # how long a first remove-samples waits for the second that confirms it
LOG_RUNS = 20  # runs the sync log shows
LOG_COLUMNS = ("When", "Source", "Asked for", "Fetched", "New", "Updated", "Outcome")


def key_of(entries: Sequence[Entry], line: str) -> str:
    """The first key bound to ``line``, or the line itself for the palette when none is."""
    for entry in entries:
        if entry.line == line and entry.keys:
            return entry.keys[0]
    return line


def welcome_line(entries: Sequence[Entry]) -> str:
    """The one line a first launch shows above the list, with the keys the user's keymap really has."""
    return ("Welcome: these are sample papers (remove-samples takes them out). "
            f"Press {key_of(entries, 'help')} for keys, {key_of(entries, 'palette')} for commands, "
            f"{key_of(entries, 'sync')} to sync.")


def run_row(run: SyncRunView) -> tuple[str, ...]:
    """One run as the sync log's cells."""
    outcome = f"failed: {run.error}" if run.status == "failed" and run.error else run.status
    return (run.started.astimezone().strftime("%Y-%m-%d %H:%M"), run.source, run.window,
            str(run.fetched), str(run.new), str(run.updated), outcome)  # fmt: skip


class SyncLog(QDialog):
    """The last runs in a small table; Escape or Close closes it."""

    def __init__(self, runs: Sequence[SyncRunView], parent: MainWindow) -> None:
        super().__init__(parent)
        self.setObjectName("sync-log")
        self.setWindowTitle("Sync log")
        self.table = QTableWidget(len(runs), len(LOG_COLUMNS), self)
        self.table.setHorizontalHeaderLabels(LOG_COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, run in enumerate(runs):
            for column, text in enumerate(run_row(run)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(760, 320)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def lines(self) -> list[str]:
        """The table's rows as text (what the tests read)."""
        rows = range(self.table.rowCount())
        return [" | ".join(str(self.table.model().index(r, c).data()) for c in range(len(LOG_COLUMNS)))
                for r in rows]  # fmt: skip


class FirstLaunchCommands:
    """``remove-samples`` and ``sync-log``; registered beside ``Actions`` by ``ui.app``."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self._asked_at: float | None = None  # when remove-samples asked to be run again to confirm
        self.log: SyncLog | None = None

    @property
    def library(self) -> Library:
        if self.w.library is None:
            raise CommandError("the library is still opening")
        return self.w.library

    @command("remove-samples", menu="Library", title="Remove sample papers")
    def remove_samples(self) -> None:
        """Delete the first launch's sample papers (run it twice: it cannot be undone); your own stay."""
        library = self.library
        now = time.monotonic()
        if self._asked_at is None or now - self._asked_at > CONFIRM_SECONDS:
            self._asked_at = now
            self.w.statusBar().showMessage(
                "Remove the sample papers? This cannot be undone: run remove-samples again to confirm.",
                int(CONFIRM_SECONDS * 1000))
            return
        self._asked_at = None
        task = self.w.loader.write("remove-samples", library.remove_sample, reload=True)
        task.done.connect(self._removed)

    def _removed(self, changes: Changes) -> None:
        self.w.loader.refresh_counts()
        count = len(changes.ids)
        self.w.statusBar().showMessage(
            f"Removed {count} sample paper{'s' if count != 1 else ''} (this cannot be undone)."
            if count else "There are no sample papers to remove.", 8000)

    @command("sync-log", menu="Library", title="Sync log")
    def sync_log(self) -> None:
        """Show the last syncs and imports: when, what was fetched, new, updated, and what failed."""
        task = self.w.workers.read("sync-log", self.library.sync_runs, LOG_RUNS)
        task.done.connect(self._show_log)
        task.failed.connect(self.w.report_error)

    def _show_log(self, runs: list[SyncRunView]) -> None:
        if self.log is not None:
            self.log.close()
        self.log = SyncLog(runs, self.w)
        self.log.finished.connect(self.w.table.setFocus)
        self.log.open()

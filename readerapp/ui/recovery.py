"""A damaged library: offer the newest backup, restore it on a worker, reopen, reload the window.

The store says a database is damaged in one way (``DatabaseDamaged``, naming the backup to restore,
or saying there is none), whether the open, the daily backup or ``doctor`` found it. A full disk is
never damage (``DiskFull``, another type), and a restore replaces the user's file, so before the offer
SQLite's ``PRAGMA quick_check`` must find the file damaged; a sound file gets the error as a message.
The dialog offers exactly one way forward, "Restore the backup of <date>" (the default button), or
Quit; the replaced file is kept by the store as a ``damaged`` backup, never offered again. Nothing
here imports the store on the GUI thread: finding and restoring the backup happen on workers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QAbstractButton, QMessageBox

from readerapp.errors import DatabaseDamaged
from readerapp.ui.signals import emit
from readerapp.ui.workers import Workers

if TYPE_CHECKING:
    from readerapp.api import Backup
    from readerapp.ui.window import MainWindow

def is_damage(error: object) -> bool:
    """True for the store's damaged-database errors (the ones a backup may cure, once ``quick_check``
    agrees); never for a full disk."""
    return isinstance(error, DatabaseDamaged)


def backup_label(backup: Backup) -> str:
    return backup.taken.strftime("%Y-%m-%d %H:%M UTC")


def damage_and_backup(library_dir: Path) -> tuple[str | None, Backup | None]:
    """Runs on a worker (it imports the store): what ``quick_check`` finds wrong with the library's
    database (None: it is sound, or cannot be looked at, so no backup is offered) and the newest backup."""
    from readerapp.api import damage_and_backup

    return damage_and_backup(library_dir)


def restore_file(library_dir: Path, source: Path) -> Path:
    """Runs on a worker: put ``source`` in place of a database too damaged to open."""
    from readerapp.api import restore_library

    return restore_library(library_dir, source)


class RestoreOffer(QMessageBox):
    """The damaged-library dialog; Enter restores, Escape quits."""

    def __init__(self, parent: MainWindow, problem: str, backup: Backup) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle("readerapp — the library is damaged")
        self.setText("The library database is damaged.")
        self.setInformativeText(f"{problem}\n\nRestoring replaces it by the backup; the damaged file is "
                                "kept beside the backups.")
        self.restore_button = self.addButton(f"Restore the backup of {backup_label(backup)}",
                                             QMessageBox.ButtonRole.AcceptRole)
        self.quit_button = self.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.restore_button)
        self.setEscapeButton(self.quit_button)


class Recovery(QObject):
    """Handles damage for one window: ``dialog`` while the offer is up, ``restored`` once the backup
    is in place under the open library (a library that never opened asks to be opened again)."""

    restored = Signal()
    reopen = Signal()  # the file was restored under a library that never opened: open it again
    quit_requested = Signal()

    def __init__(self, window: MainWindow, workers: Workers, library_dir: Path) -> None:
        super().__init__(window)
        self.window = window
        self.workers = workers
        self.library_dir = library_dir
        self.dialog: RestoreOffer | None = None
        self._handling = False  # from the first damage until the restore is done (or the app quits)

    def handle(self, error: object, otherwise: Callable[[object], None]) -> bool:
        """Take over ``error`` if it looks like damage (True); anything else is the caller's to report.
        Damage usually fails several reads at once (the view, the counts, the detail): one offer for all.
        When ``quick_check`` finds the file sound after all, ``error`` goes to ``otherwise`` instead."""
        if not is_damage(error):
            return False
        if self._handling:
            return True
        self._handling = True
        task = self.workers.read("damage", damage_and_backup, self.library_dir)
        task.done.connect(lambda found: self._checked(error, otherwise, *found))
        task.failed.connect(lambda exc: self._give_up(f"{error}\n\n{exc}"))
        return True

    def _checked(
        self, error: object, otherwise: Callable[[object], None], problem: str | None, backup: Backup | None
    ) -> None:
        if problem is None:  # sound: the error was something else (a lock, a lost file), not for a restore
            self._handling = False
            otherwise(error)
            return
        self._offer(str(error), backup)

    def _offer(self, problem: str, backup: Backup | None, failed: str = "") -> None:
        """The dialog; ``failed`` says why the last restore did not happen (offered again: another
        readerapp may have had the library open, and the user can close it and retry)."""
        if backup is None:
            self._give_up(f"{problem}\n\nThere is no backup to restore.")
            return
        self.dialog = RestoreOffer(self.window, f"{problem}\n\n{failed}" if failed else problem, backup)
        self.dialog.buttonClicked.connect(lambda button: self._chosen(button, backup, problem))
        self.dialog.open()

    def _chosen(self, button: QAbstractButton, backup: Backup, problem: str) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is None or button is not dialog.restore_button:
            emit(self.quit_requested)
            return
        self.window.statusBar().showMessage(f"Restoring the backup of {backup_label(backup)}…")
        library = self.window.library
        if library is not None:  # open, damage found later: it closes and reopens its own connections
            task = self.workers.write("restore", library.restore_backup, backup.path)
            task.done.connect(lambda _saved: self._back())
        else:  # the open failed: restore the file, then open it again
            task = self.workers.write("restore", restore_file, self.library_dir, backup.path)
            task.done.connect(lambda _saved: self._reopen())
        task.failed.connect(lambda exc: self._offer(problem, backup, f"The restore failed: {exc}"))

    def _reopen(self) -> None:
        self._handling = False
        emit(self.reopen)

    def _back(self) -> None:
        self._handling = False
        self.window.statusBar().showMessage("Backup restored.", 5000)
        self.window.loader.reload()
        self.window.detail.refresh()
        emit(self.restored)

    def _give_up(self, text: str) -> None:
        QMessageBox.critical(self.window, "readerapp", text)
        emit(self.quit_requested)

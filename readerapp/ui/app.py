"""Start the app: the Qt application, the theme, the window, the registry, the keymap, the first load.

``run(library_path)`` is what ``readerapp gui`` calls. ``open_session`` builds the same thing around an
already open Library, which is how the tests and the benchmark drive the real window.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtWidgets import QApplication, QMessageBox

from readerapp.config import read_settings_file
from readerapp.errors import ReaderappError
from readerapp.ui import theme
from readerapp.ui.actions import Actions
from readerapp.ui.catalog import catalog
from readerapp.ui.commands import CommandRegistry
from readerapp.ui.keymap import Keymap, KeyParser
from readerapp.ui.qtkeys import KeyDispatcher
from readerapp.ui.smoke import quit_when_shown
from readerapp.ui.window import MainWindow, state_file
from readerapp.ui.workers import Workers

if TYPE_CHECKING:
    from readerapp.api import Library

GIL_SWITCH_INTERVAL = 0.001


@dataclass(slots=True)
class Session:
    """One open window with everything that drives it."""

    window: MainWindow
    actions: Actions
    registry: CommandRegistry
    keymap: Keymap
    dispatcher: KeyDispatcher
    workers: Workers
    run_line: Callable[[str], None]

    def start(self) -> None:
        """First launch brings in the sample day; then the last view loads and, if due, a sync starts."""
        library = self.window.library
        task = self.workers.write("sample", library.import_sample_if_empty)
        task.failed.connect(self.window.report_error)
        task.finished.connect(lambda: self.window.show_view(self.window.view))
        if sync_due(library.config.sync_on_start, self.window.state.value("sync/last")):
            task.finished.connect(self.window.start_sync)

    def close(self) -> None:
        self.window.save_state()
        self.workers.shutdown()


def sync_due(setting: str, last: object) -> bool:
    """``always``, or ``daily`` when the app has not synced today; ``never`` (or nonsense) is never."""
    if setting == "always":
        return True
    return setting == "daily" and last != date.today().isoformat()


def _runner(registry: CommandRegistry, window: MainWindow) -> Callable[[str], None]:
    def run_line(line: str) -> None:
        """Run a command line from a key, the menu or the palette; errors become one message."""
        try:
            registry.run(line)
        except ReaderappError as exc:
            window.statusBar().showMessage(str(exc), 5000)
        except Exception as exc:  # a bug in a handler must not take the window down
            window.report_error(exc, prefix=f"{line}: ")

    return run_line


def open_session(library: Library) -> Session:
    """Build the window over ``library``: registry, keymap with the user's ``[keys]``, menus, keys."""
    # Workers run pure Python (parsing, merging, SQLAlchemy) while the GUI thread releases the GIL on
    # every SQLite call and every Qt event wait; at the default 5 ms switch interval each hand-back
    # can cost the GUI 5 ms, and a handful of them is a visible stall. 1 ms keeps the GUI thread ahead.
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    workers = Workers()
    window = MainWindow(library, workers, state_file(library.path))
    actions = Actions(window)
    registry = CommandRegistry.collect(actions)
    settings = read_settings_file(library.config.settings_file)
    overrides = settings.get("keys", {})
    problems = []
    if not isinstance(overrides, dict):
        problems.append("[keys] must be a table of \"key\" = \"command\" lines")
        overrides = {}
    keymap = Keymap.build(overrides, check=registry.check)
    problems.extend(keymap.problems)
    run_line = _runner(registry, window)
    dispatcher = KeyDispatcher(KeyParser(keymap.bindings), run_line, window)
    entries = catalog(registry, keymap)
    actions.catalog = entries
    actions.run = run_line
    window.build_menus(entries, run_line)
    dispatcher.watch(*window.watched_widgets())
    dispatcher.pending_changed.connect(window.keys_label.setText)
    if problems:
        window.messages.show_message("Key settings: " + " · ".join(problems))
    return Session(window, actions, registry, keymap, dispatcher, workers, run_line)


def run(library_path: str | os.PathLike[str] | None = None) -> int:
    """Open the library, show the window, run until it closes; the exit code for the CLI."""
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "readerapp"])
    assert isinstance(app, QApplication)
    app.setApplicationName("readerapp")
    app.setDesktopFileName("readerapp")
    from readerapp import Library

    try:
        library = Library.open(library_path)
    except ReaderappError as exc:
        QMessageBox.critical(None, "readerapp", str(exc))
        return 1
    choice = library.config.theme
    theme.apply(app, choice)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: theme.apply(app, choice))
    session = open_session(library)
    session.window.show()
    session.window.activateWindow()
    session.window.table.setFocus()
    quit_when_shown(app, session.window)
    session.start()
    try:
        return app.exec()
    finally:
        session.close()
        library.close()
        # Destroy the window tree now, while Python and Qt are both whole; left to interpreter
        # shutdown, PySide's garbage collection of the widgets can abort the process.
        shiboken6.delete(session.window)
        gc.collect()
